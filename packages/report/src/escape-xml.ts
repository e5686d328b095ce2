/**
 * Text made safe for SVG/XML content and attribute values: `& < > " '` become entities, and
 * control characters that XML 1.0 forbids (a stray \x1b from a terminal label, say) become
 * U+FFFD, because one such byte makes a browser refuse the whole file.
 */
export function escapeXml(text: string): string {
  return String(text)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
