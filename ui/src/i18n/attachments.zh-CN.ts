// 附件（issue 19 第 5 项）：登记、报送进展、办结、就地解决和回访时附照片或扫描件。
// Keep attachments.en.ts key-for-key identical (tested through the whole catalogue).

export default {
  attachments: {
    export: '导出附件',
    exported: '已导出 {files} 个附件（{problems} 个问题）到 {path}；缺失 {missing} 个',
    label: '附件',
    add: '添加照片或扫描件',
    hint: '照片（JPG、PNG、WebP）或 PDF 扫描件',
    typedPath: '或输入文件路径',
    addTyped: '添加',
    filter: '照片或扫描件',
    remove: '移除',
    pdf: 'PDF',
    missing: '附件缺失',
    save: '另存为…',
    saved: '已保存到 {path}',
  },
}
