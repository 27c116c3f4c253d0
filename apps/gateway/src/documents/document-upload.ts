import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { KamError } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/** What multer gives for one file in memory (multer ships without types here). */
export interface UploadedFile {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

type Middleware = (req: Request, res: Response, next: (err?: unknown) => void) => void;
interface Multer {
  single(field: string): Middleware;
}
type MulterFactory = ((opts: Record<string, unknown>) => Multer) & { memoryStorage(): unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- multer has no type declarations installed
const multer = require('multer') as MulterFactory;

const MULTER_400: Record<string, string> = {
  LIMIT_FILE_COUNT: 'send one file only',
  LIMIT_UNEXPECTED_FILE: 'the file must be the multipart field "file"',
  LIMIT_PART_COUNT: 'too many parts',
  LIMIT_FIELD_KEY: 'a field name is too long',
  LIMIT_FIELD_VALUE: 'a field value is too long',
  LIMIT_FIELD_COUNT: 'too many fields',
};

/**
 * Reads a multipart upload into memory with the size limit of KAM_DOCUMENT_MAX_BYTES: too large is 413, a
 * malformed body 400; the file name is kept as sent (document-security reduces it to a safe base name).
 */
@Injectable()
export class DocumentUpload {
  private readonly middleware: Middleware;
  readonly maxBytes: number;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.maxBytes = config.KAM_DOCUMENT_MAX_BYTES;
    this.middleware = multer({
      storage: multer.memoryStorage(),
      preservePath: true,
      defParamCharset: 'utf8',
      limits: { fileSize: this.maxBytes, files: 1, fields: 20, fieldSize: 4096, parts: 25 },
    }).single('file');
  }

  async receive(
    req: Request,
    res: Response,
  ): Promise<{ file: UploadedFile; fields: Record<string, string> }> {
    if (!req.is('multipart/form-data')) throw new KamError('document_file_required');
    // A declared length far above the limit is refused before reading the body.
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > this.maxBytes + 64 * 1024) throw new KamError('payload_too_large');
    await new Promise<void>((resolve, reject) =>
      this.middleware(req, res, (err?: unknown) => (err ? reject(toKamError(err)) : resolve())),
    );
    const file = (req as Request & { file?: UploadedFile }).file;
    if (!file) throw new KamError('document_file_required');
    const fields = { ...(req.body as Record<string, string> | undefined) };
    return { file, fields };
  }
}

function toKamError(err: unknown): KamError {
  const e = err as { code?: string; message?: string; name?: string };
  if (e.code === 'LIMIT_FILE_SIZE') return new KamError('payload_too_large');
  const message =
    (e.code && MULTER_400[e.code]) ?? `the multipart body is malformed (${e.message ?? 'unreadable'})`;
  return new KamError('validation_failed', { fields: '(body)' }, [{ field: '(body)', message }]);
}
