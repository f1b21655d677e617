/** mIRC formatting codes (bold, colour, italics, …) stripped for display. Pure. */
// \x02 bold, \x03 colour (fg[,bg]), \x04 hex colour, \x0f reset, \x11 monospace, \x16 reverse, \x1d italic, \x1e strike, \x1f underline
// eslint-disable-next-line no-control-regex -- these control characters are the point
const FORMAT_RE = /\x03(\d{1,2}(,\d{1,2})?)?|\x04([0-9a-fA-F]{6}(,[0-9a-fA-F]{6})?)?|[\x02\x0f\x11\x16\x1d\x1e\x1f]/g;

export function stripFormatting(text: string): string {
  return text.replace(FORMAT_RE, '');
}

/** Control characters other than formatting and tab that must not reach the UI. */
export function sanitizeForDisplay(text: string): string {
  // eslint-disable-next-line no-control-regex
  return stripFormatting(text).replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '');
}
