/**
 * Text from the directory or a file, made inert for whoever reads it on a terminal: C0 and C1
 * control characters (cursor moves, screen erase, window titles, the clipboard via OSC 52,
 * hyperlinks), DEL, and the bidirectional overrides and isolates that make text read backwards are
 * shown as \xNN / \uNNNN. Shared by the terminal output (src/ui/output.ts), LDIF comments
 * (src/core/ldif.ts) and the reports written to a terminal (src/io/).
 */
const CONTROL_OR_BIDI = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** Every control and bidi character of `text` (newline and tab too) as \xNN / \uNNNN; the rest as is. */
export function inertText(text: string): string {
  return text.replace(CONTROL_OR_BIDI, (ch) => {
    const cp = ch.charCodeAt(0);
    return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}
