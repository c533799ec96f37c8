// MLLP framing (HL7 v2 minimal lower layer protocol): <VT> message <FS><CR>. Bytes are collected
// per connection and decoded only once a whole frame is in, in the character set MSH-18 declares
// (UTF-8 by default, ISO 8859-15/-1 when declared), so multi-byte characters split across TCP
// packets are never corrupted.
export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export function frame(text: string): Buffer {
  return Buffer.concat([Buffer.from([VT]), Buffer.from(text, 'utf8'), Buffer.from([FS, CR])]);
}

/** Accumulates bytes and yields complete frames; bytes outside a frame are dropped. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private inFrame = false;

  constructor(private readonly maxBytes: number) {}

  /** Feeds bytes; returns the complete frames (payload bytes), or throws when a frame is too large. */
  push(data: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      const b = data[i];
      if (!this.inFrame) {
        if (b === VT) {
          this.inFrame = true;
          start = i + 1;
        }
        continue;
      }
      if (b === FS && (i + 1 >= data.length || data[i + 1] === CR)) {
        this.append(data.subarray(start, i));
        out.push(Buffer.concat(this.chunks, this.size));
        this.chunks = [];
        this.size = 0;
        this.inFrame = false;
        if (data[i + 1] === CR) i++;
      }
    }
    if (this.inFrame) this.append(data.subarray(start));
    return out;
  }

  private append(b: Buffer): void {
    if (!b.length) return;
    this.size += b.length;
    if (this.size > this.maxBytes) {
      this.chunks = [];
      this.size = 0;
      this.inFrame = false;
      throw new RangeError(`An MLLP frame exceeds ${this.maxBytes} bytes`);
    }
    this.chunks.push(b);
  }
}

/** Decodes a frame in the character set declared in MSH-18. */
export function decodeFrame(bytes: Buffer): string {
  const head = bytes.subarray(0, Math.min(bytes.length, 1024)).toString('latin1');
  const firstLine = head.split(/\r|\n/)[0] ?? '';
  const sep = firstLine[3] ?? '|';
  const charset = (firstLine.split(sep)[17] ?? '').toUpperCase();
  if (/8859\/15/.test(charset)) return new TextDecoder('iso-8859-15').decode(bytes);
  if (/8859\/1\b|8859\/1$/.test(charset)) return bytes.toString('latin1');
  return bytes.toString('utf8');
}
