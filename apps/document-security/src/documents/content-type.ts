/**
 * What an uploaded file really is, from its first bytes, and whether its name agrees (issue 6: "the type sniffed
 * from content, not trusted from the name"). Pure: no Nest, no I/O.
 */
export type DetectedType = 'pdf' | 'png' | 'jpeg' | 'docx' | 'xlsx' | 'pptx' | 'text';

export interface SniffResult {
  type: DetectedType;
  mimeType: string;
}

const MIME: Record<Exclude<DetectedType, 'text'>, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/** The extensions accepted for each detected type, the first being the one a name without extension gets. */
export const EXTENSIONS: Record<DetectedType, string[]> = {
  pdf: ['pdf'],
  png: ['png'],
  jpeg: ['jpg', 'jpeg'],
  docx: ['docx'],
  xlsx: ['xlsx'],
  pptx: ['pptx'],
  text: ['txt', 'md', 'markdown', 'csv'],
};

const TEXT_MIME: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

const startsWith = (buf: Uint8Array, bytes: number[]) =>
  buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);

function includesAscii(buf: Uint8Array, text: string, limit = buf.length): boolean {
  return Buffer.from(buf.buffer, buf.byteOffset, Math.min(limit, buf.length)).includes(text, 0, 'latin1');
}

/** UTF-8 text without NUL or control characters other than tab, newline, carriage return and form feed. */
export function isPlainUtf8(buf: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text);
}

/** The type of `buf` by its content, or null when it is none of the accepted kinds. */
export function sniff(buf: Uint8Array): DetectedType | null {
  if (startsWith(buf, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04])) {
    // An Office Open XML package: a ZIP with [Content_Types].xml and the part folder of its kind.
    if (!includesAscii(buf, '[Content_Types].xml')) return null;
    if (includesAscii(buf, 'word/')) return 'docx';
    if (includesAscii(buf, 'xl/')) return 'xlsx';
    if (includesAscii(buf, 'ppt/')) return 'pptx';
    return null;
  }
  return isPlainUtf8(buf) ? 'text' : null;
}

export type NameProblem = 'empty' | 'control_characters' | 'too_long';

/**
 * A safe base name: the last segment of a path-like name (`../../etc/passwd` → `passwd`), trimmed, without
 * leading dots. NUL and other control characters are refused, not repaired.
 */
export function safeBaseName(raw: string): { name: string } | { problem: NameProblem } {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001F\u007F]/.test(raw)) return { problem: 'control_characters' };
  const base = raw.split(/[/\\]/).pop() ?? '';
  const name = base.trim().replace(/^\.+/, '').trim();
  if (!name) return { problem: 'empty' };
  if (name.length > 200) return { problem: 'too_long' };
  return { name };
}

export function extensionOf(name: string): string | null {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name);
  return m ? m[1].toLowerCase() : null;
}

export type Classified =
  | { ok: true; fileName: string; type: DetectedType; mimeType: string }
  | { ok: false; error: 'unsupported' }
  | { ok: false; error: 'mismatch'; declared: string; detected: string };

/**
 * Content and name together: the content decides the type; a known extension that disagrees is a mismatch, an
 * unknown one (`.exe`) is unsupported, a missing one is added.
 */
export function classifyUpload(fileName: string, buf: Uint8Array): Classified {
  const detected = sniff(buf);
  const ext = extensionOf(fileName);
  const known = ext
    ? (Object.keys(EXTENSIONS) as DetectedType[]).find((t) => EXTENSIONS[t].includes(ext))
    : null;
  if (!detected) return { ok: false, error: 'unsupported' };
  if (ext && !known) return { ok: false, error: 'unsupported' };
  if (known && known !== detected) return { ok: false, error: 'mismatch', declared: ext!, detected };
  const name = ext ? fileName : `${fileName}.${EXTENSIONS[detected][0]}`;
  const mimeType = detected === 'text' ? TEXT_MIME[ext ?? 'txt'] : MIME[detected];
  return { ok: true, fileName: name, type: detected, mimeType };
}
