import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** The file of a multipart form, as it streams in. */
export interface UploadedFile {
  /** The name the browser gave it; '' when no file was chosen (a browser still sends the empty part). */
  filename: string;
  /** The type the browser declared (`text/csv`, Excel's `application/vnd.ms-excel`...): a claim, not a fact. */
  mimeType: string;
  stream: Readable;
  /** Whether the file was cut at the route's limit: known once the stream has ended. */
  truncated(): boolean;
}

/** What one route takes in a multipart post. */
export interface UploadRule {
  /** The file input's name; other files are read past and dropped. */
  file: string;
  maxFileBytes: number;
  /** The text fields before the file (`_csrf`, a pasted text...), each up to `maxFieldBytes` (1 MiB unless set). */
  maxFields: number;
  maxFieldBytes?: number;
}

const UPLOAD = Symbol('qalam.upload');
type UploadRequest = Request & { [UPLOAD]?: UploadedFile | null };

/** The file a multipart post carries (multipartForm put it there), null when none. */
export function uploadOf(request: Request): UploadedFile | null {
  return (request as UploadRequest)[UPLOAD] ?? null;
}

/**
 * A body parser for a form with a file: reads the text fields that come before the file
 * into `request.body`, then hands over, the file still unread, so that CsrfGuard checks
 * `_csrf` (and the origin) exactly as for a urlencoded form, before the handler reads one
 * byte of the file. A browser sends fields in the page's order, so the hidden `_csrf`
 * comes first; a field after the file is not read (a token there is no token: 403).
 * Never throws: a body it cannot read leaves `request.body` with what came before the
 * fault, and the guard and the handler judge that.
 */
export function multipartForm(rule: UploadRule): RequestHandler {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (!request.is('multipart/form-data')) {
      next();
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { files: 1, fields: rule.maxFields, fieldSize: rule.maxFieldBytes ?? 1024 * 1024, fileSize: rule.maxFileBytes } });
    } catch {
      // No boundary: nothing can be read, and a body without its token is refused by the guard.
      request.body = {};
      next();
      return;
    }
    const fields: Record<string, string> = {};
    let handedOver = false;
    const handOver = (file: UploadedFile | null) => {
      if (handedOver) return;
      handedOver = true;
      request.body = { ...fields };
      (request as UploadRequest)[UPLOAD] = file;
      next();
    };
    parser.on('field', (name, value) => {
      if (!handedOver) fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      // The one file the route takes, or the rest is read and dropped.
      stream.on('error', () => undefined);
      if (handedOver || name !== rule.file) {
        stream.resume();
        return;
      }
      let cut = false;
      stream.on('limit', () => {
        cut = true;
      });
      handOver({ filename: info.filename ?? '', mimeType: info.mimeType, stream, truncated: () => cut });
    });
    parser.on('close', () => handOver(null));
    // A body cut short: its reader (the handler, through the file stream) sees the error too.
    parser.on('error', () => handOver(null));
    // Answered before the file was read (a refusal, a wrong type): the rest of the body is
    // read and dropped, so that the connection is free for the browser's next request.
    response.on('finish', () => {
      request.unpipe(parser);
      request.resume();
    });
    request.pipe(parser);
  };
}
