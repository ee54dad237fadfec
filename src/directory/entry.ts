/** A search result entry with attribute names folded to lower case (servers spell them as they like). */
export class DirEntry {
  private readonly values = new Map<string, string[]>();
  private readonly buffers = new Map<string, Buffer[]>();

  constructor(
    readonly dn: string,
    raw: Record<string, unknown>,
  ) {
    for (const [key, value] of Object.entries(raw)) {
      if (key === 'dn') continue;
      const list = Array.isArray(value) ? value : [value];
      const name = key.toLowerCase();
      if (list.length > 0 && Buffer.isBuffer(list[0])) this.buffers.set(name, list as Buffer[]);
      else this.values.set(name, list.map(String));
    }
  }

  /** The first value, or undefined when the attribute is absent. */
  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase())?.[0] ?? this.buffers.get(name.toLowerCase())?.[0]?.toString('utf8');
  }

  all(name: string): string[] {
    return (
      this.values.get(name.toLowerCase()) ?? this.buffers.get(name.toLowerCase())?.map((b) => b.toString('utf8')) ?? []
    );
  }

  buffer(name: string): Buffer | undefined {
    return this.buffers.get(name.toLowerCase())?.[0];
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase()) || this.buffers.has(name.toLowerCase());
  }
}
