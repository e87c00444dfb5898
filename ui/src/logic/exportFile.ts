// File names and paths for exports: pure string work, the path itself comes from the native
// save dialog or is typed.

/** A file name safe on Windows and Linux: a period's ".." becomes 至, reserved characters "-". */
export function safeFileName(name: string): string {
  return name
    .replace(/\.\./g, '至')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes from a file name.
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '-')
    .trim()
}

/** The path with `.ext` added unless it already ends so (case-insensitive); "" stays "". */
export function withExtension(path: string, ext: string): string {
  const p = path.trim()
  if (!p) return ''
  return p.toLowerCase().endsWith(`.${ext.toLowerCase()}`) ? p : `${p}.${ext}`
}

/** "问题台账-2026-03-05.xlsx": a base name, a date or period, the extension. */
export function exportFileName(base: string, when: string, ext: string): string {
  return `${safeFileName(`${base}-${when}`)}.${ext}`
}
