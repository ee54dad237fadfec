/**
 * One JSON document written as it is read: `{ "<list>": [ …items, a page at a time… ], …members }`,
 * laid out as JSON.stringify(value, null, 2) would lay it out. A listing of 100,000 users never
 * sits in memory as one string or one array; each page waits for stdout to drain before the next
 * is read, so a slow reader holds the listing back instead of making it pile up.
 */
import { once } from 'node:events';

type Text = (json: string) => string;

export class JsonDocumentWriter {
  private items = 0;
  private state: 'list' | 'closed' = 'list';

  /** Opens the document and its list (the first member). `text` makes each chunk safe for stdout (safeJson). */
  constructor(
    private readonly stream: NodeJS.WritableStream,
    list: string,
    private readonly text: Text,
  ) {
    this.stream.write(`{\n  ${JSON.stringify(list)}: [`);
  }

  get open(): boolean {
    return this.state !== 'closed';
  }

  /** One page of the list's items; resolves once stdout can take more. */
  async write(values: readonly unknown[]): Promise<void> {
    if (this.state !== 'list' || values.length === 0) return;
    let chunk = '';
    for (const value of values)
      chunk += `${this.items++ === 0 ? '' : ','}\n    ${indent(JSON.stringify(value, null, 2), 4)}`;
    if (!this.stream.write(this.text(chunk))) await once(this.stream, 'drain');
  }

  /** Ends the list and the document with `members` after it (the totals, or the error that cut the list off). */
  close(members: Record<string, unknown>): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    let tail = this.items === 0 ? ']' : '\n  ]';
    for (const [key, value] of Object.entries(members)) {
      if (value !== undefined) tail += `,\n  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), 2)}`;
    }
    this.stream.write(this.text(`${tail}\n}\n`));
  }
}

/** A JSON text nested `by` spaces deeper: every line after the first moves right. */
function indent(json: string, by: number): string {
  return json.replaceAll('\n', `\n${' '.repeat(by)}`);
}
