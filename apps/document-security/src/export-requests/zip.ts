import { Readable } from 'node:stream';
import { crc32, createDeflateRaw, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  modified: Date;
}

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** Bit 3: CRC and sizes follow the data in a data descriptor; bit 11: names are UTF-8. */
const FLAGS = 0x0808;
const DEFLATE = 8;
const VERSION = 20;
/** External attributes of a Unix host: a regular file, rw-r--r--. */
const FILE_MODE = (0o100644 << 16) >>> 0;
/** Plain zip (no zip64): 16-bit entry count, 32-bit sizes and offsets. */
const MAX_ENTRIES = 0xffff;
const MAX_OFFSET = 0xffffffff;
/** The deflater is fed this much at a time, so its output waits for the reader instead of piling up. */
const SLICE_BYTES = 256 * 1024;

/** MS-DOS time and date of a local time (the zip format knows nothing finer or older than 1980). */
function dosTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

function* slices(data: Uint8Array): Generator<Buffer> {
  for (let at = 0; at < data.length; at += SLICE_BYTES)
    yield Buffer.from(data.buffer, data.byteOffset + at, Math.min(SLICE_BYTES, data.length - at));
}

/** Raw deflate of one file, piece by piece, with back-pressure (off the event loop, in zlib's thread pool). */
async function* deflated(data: Uint8Array): AsyncGenerator<Buffer> {
  const input = Readable.from(slices(data));
  const deflater = createDeflateRaw({ chunkSize: 64 * 1024 });
  input.pipe(deflater);
  try {
    for await (const chunk of deflater) yield chunk as Buffer;
  } finally {
    input.destroy();
    deflater.destroy();
  }
}

function iterate(
  entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>,
): AsyncIterator<ZipEntry> | Iterator<ZipEntry> {
  return Symbol.asyncIterator in entries ? entries[Symbol.asyncIterator]() : entries[Symbol.iterator]();
}

async function pull(it: AsyncIterator<ZipEntry> | Iterator<ZipEntry>): Promise<ZipEntry | undefined> {
  const next = await it.next();
  return next.done ? undefined : next.value;
}

function tooLarge(what: string): Error {
  return new Error(`the zip archive would exceed ${what}; plain zip without zip64 cannot hold it`);
}

/**
 * A zip archive (deflate, UTF-8 names) written as it goes: what a bulk export of documents hands out. The next
 * entry is asked for only when the previous one has been written and its bytes taken by the reader, so the writer
 * holds one file (and the central directory, 46 bytes plus the name per entry) at a time. CRC and sizes follow each
 * entry's data in a data descriptor (flag bit 3) and are repeated in the central directory.
 * Plain zip (no zip64): at most 65,535 entries and 4 GB; beyond that the writer throws instead of writing garbage.
 */
export async function* zipStream(
  entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>,
): AsyncGenerator<Buffer, void, undefined> {
  const directory: Buffer[] = [];
  let count = 0;
  let offset = 0;
  const source = iterate(entries);
  // `e` is the only reference to the current file: cleared before the next one is asked for, so the previous
  // file can be collected while the source renders the next.
  try {
    let e = await pull(source);
    while (e) {
      if (count === MAX_ENTRIES) throw tooLarge(`${MAX_ENTRIES} entries`);
      const name = Buffer.from(e.name, 'utf8');
      const { time, date } = dosTime(e.modified);
      const local = Buffer.alloc(30 + name.length);
      local.writeUInt32LE(LOCAL_HEADER, 0);
      local.writeUInt16LE(VERSION, 4); // version needed
      local.writeUInt16LE(FLAGS, 6);
      local.writeUInt16LE(DEFLATE, 8);
      local.writeUInt16LE(time, 10);
      local.writeUInt16LE(date, 12);
      // CRC (14) and sizes (18, 22) stay 0: they are in the data descriptor.
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28); // no extra field
      name.copy(local, 30);
      yield local;
      let packed = 0;
      for await (const chunk of deflated(e.data)) {
        packed += chunk.length;
        yield chunk;
      }
      const crc = crc32(e.data);
      if (offset + local.length + packed + 16 > MAX_OFFSET || e.data.length > MAX_OFFSET)
        throw tooLarge('4 GB');
      const descriptor = Buffer.alloc(16);
      descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(packed, 8);
      descriptor.writeUInt32LE(e.data.length, 12);
      yield descriptor;

      const central = Buffer.alloc(46 + name.length);
      central.writeUInt32LE(CENTRAL_HEADER, 0);
      // Made by Unix: Info-ZIP's unzip then keeps the UTF-8 names as they are (for "MS-DOS" it re-codes them from
      // the OEM code page, flag or not) and takes the permissions from the external attributes below.
      central.writeUInt16LE((3 << 8) | VERSION, 4); // made by
      central.writeUInt16LE(VERSION, 6); // version needed
      central.writeUInt16LE(FLAGS, 8);
      central.writeUInt16LE(DEFLATE, 10);
      central.writeUInt16LE(time, 12);
      central.writeUInt16LE(date, 14);
      central.writeUInt32LE(crc, 16);
      central.writeUInt32LE(packed, 20);
      central.writeUInt32LE(e.data.length, 24);
      central.writeUInt16LE(name.length, 28);
      // extra (30), comment (32), disk (34) and internal attributes (36) stay 0
      central.writeUInt32LE(FILE_MODE, 38);
      central.writeUInt32LE(offset, 42);
      name.copy(central, 46);
      directory.push(central);
      offset += local.length + packed + descriptor.length;
      count++;
      e = undefined;
      e = await pull(source);
    }
  } finally {
    // Ends the source early when the writer fails or its reader stops (a no-op once it is exhausted).
    await source.return?.();
  }
  const dir = Buffer.concat(directory);
  if (offset + dir.length > MAX_OFFSET) throw tooLarge('4 GB');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  yield Buffer.concat([dir, end]);
}

/** Reads back what `zipStream` writes (deflate or stored entries, no zip64), CRCs checked: for tests and checks. */
export function unzip(archive: Buffer): { name: string; data: Buffer }[] {
  const endAt = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0) throw new Error('not a zip archive');
  const count = archive.readUInt16LE(endAt + 10);
  let p = archive.readUInt32LE(endAt + 16);
  const out: { name: string; data: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(p) !== CENTRAL_HEADER) throw new Error(`entry ${i}: no central header`);
    const method = archive.readUInt16LE(p + 10);
    const crc = archive.readUInt32LE(p + 16);
    const size = archive.readUInt32LE(p + 20);
    const nameLen = archive.readUInt16LE(p + 28);
    const extraLen = archive.readUInt16LE(p + 30);
    const commentLen = archive.readUInt16LE(p + 32);
    const localAt = archive.readUInt32LE(p + 42);
    const name = archive.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    if (archive.readUInt32LE(localAt) !== LOCAL_HEADER) throw new Error(`${name}: no local header`);
    const dataAt = localAt + 30 + archive.readUInt16LE(localAt + 26) + archive.readUInt16LE(localAt + 28);
    const raw = archive.subarray(dataAt, dataAt + size);
    const data = Buffer.from(method === DEFLATE ? inflateRawSync(raw) : raw);
    if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    out.push({ name, data });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
