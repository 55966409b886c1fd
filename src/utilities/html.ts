/** Escapes text for HTML e-mails. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '"': '&quot;', '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;' })[c]!)
}
