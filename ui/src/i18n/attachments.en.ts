// Attachments (issue 19 item 5): photos and scans on registration, progress, resolution,
// resolution on the spot and evaluation. Keep attachments.zh-CN.ts key-for-key identical.

export default {
  attachments: {
    export: 'Export attachments',
    exported: 'Exported {files} attachment(s) of {problems} problem(s) to {path}; {missing} missing',
    label: 'Attachments',
    add: 'Add a photo or scan',
    hint: 'Photos (JPG, PNG, WebP) or PDF scans',
    typedPath: 'or type a file path',
    addTyped: 'Add',
    filter: 'Photos or scans',
    remove: 'Remove',
    pdf: 'PDF',
    missing: 'Attachment missing',
    save: 'Save as…',
    saved: 'Saved to {path}',
  },
}
