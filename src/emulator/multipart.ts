/** The file part of a form: its decoded file name, its content type and its bytes. */
export interface MultipartFile {
  filename: string | undefined;
  contentType: string;
  bytes: Uint8Array;
}

/** A parsed form: every text field in order of arrival, and the part named `file`. */
export interface MultipartForm {
  fields: Array<[name: string, value: string]>;
  file: MultipartFile | undefined;
}

/** What {@link parseMultipart} resolves to: the form, or why the body is not a valid form. */
export type MultipartResult = { ok: true; form: MultipartForm } | { ok: false; message: string };

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const SPACE = 0x20;
const TAB = 0x09;

const DEFAULT_MAX_BYTES = 1024 ** 3;
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_BOUNDARY_LENGTH = 70;
const FILE_FIELD = "file";
const DEFAULT_FILE_TYPE = "application/octet-stream";

const EMPTY = new Uint8Array(0);
const LEADING_CRLF = new Uint8Array([CR, LF]);

/**
 * Where the parser stands. `boundary` follows a delimiter; `dash` has seen the first `-` of a
 * closing delimiter; `padding` skips spaces after a delimiter; `lineEnd` waits for its LF.
 */
type Stage =
  | "preamble"
  | "boundary"
  | "dash"
  | "padding"
  | "lineEnd"
  | "headers"
  | "body"
  | "epilogue";

/** The part being read: a file or a text field, with its content so far. */
interface OpenPart {
  name: string;
  file: Omit<MultipartFile, "bytes"> | undefined;
  pieces: Uint8Array[];
  size: number;
}

/**
 * Parses a `multipart/form-data` body (RFC 7578, RFC 2046) as it streams in. The part named
 * `file` becomes the file, every other part a UTF-8 text field; fields may come before and after
 * the file. The body is read to its end unless it exceeds `maxBytes` or fails to be read. Chunks
 * are kept, not copied, until the end, so the iterable must not reuse them.
 *
 * @param body - the body, in chunks split anywhere
 * @param contentType - the request's Content-Type, which carries the boundary
 * @param limits - `maxBytes`: the largest body accepted, 1 GiB by default
 * @returns the form, or `{ ok: false, message }` when the body is not a valid form; never throws
 * @example
 * const result = await parseMultipart(request, request.headers["content-type"] ?? "");
 * const token = result.ok ? result.form.fields.find(([name]) => name === "token")?.[1] : undefined;
 */
export async function parseMultipart(
  body: AsyncIterable<Uint8Array>,
  contentType: string,
  limits?: { maxBytes?: number },
): Promise<MultipartResult> {
  // The boundary comes from the content type.
  const boundary = boundaryOf(contentType);
  if (typeof boundary !== "string") return boundary;
  const parser = new FormParser(new TextEncoder().encode(`\r\n--${boundary}`));
  const maxBytes = limits?.maxBytes ?? DEFAULT_MAX_BYTES;

  // Every chunk goes through the parser. After a malformed part the rest is still read, within
  // the limit, so that a server can answer on the same connection.
  let received = 0;
  let malformed: string | undefined;
  try {
    for await (const chunk of body) {
      received += chunk.length;
      if (received > maxBytes) return failure(malformed ?? `body is larger than ${maxBytes} bytes`);
      malformed ??= parser.push(chunk);
    }
  } catch (error) {
    return failure(`body could not be read: ${error instanceof Error ? error.message : error}`);
  }

  return malformed === undefined ? parser.end() : failure(malformed);
}

/** Builds a failed {@link MultipartResult}. */
function failure(message: string): MultipartResult {
  return { ok: false, message };
}

/** The boundary parameter of a multipart/form-data content type, or a failure. */
function boundaryOf(contentType: string): string | MultipartResult {
  const { value, params } = parseHeaderValue(contentType);
  if (value.toLowerCase() !== "multipart/form-data") {
    return failure("content type is not multipart/form-data");
  }
  const boundary = params.get("boundary");
  if (boundary === undefined || boundary.length === 0) {
    return failure("content type has no boundary");
  }
  if (boundary.length > MAX_BOUNDARY_LENGTH || /[\r\n]/.test(boundary)) {
    return failure("boundary is not valid");
  }
  return boundary;
}

/**
 * The push parser behind {@link parseMultipart}. The body is read as if it began with CRLF, so
 * that every delimiter, the first included, is `CRLF--boundary`.
 */
class FormParser {
  readonly #delimiter: Uint8Array;
  #stage: Stage = "preamble";
  /** Bytes held back from the previous chunk because they may begin a delimiter. */
  #carry: Uint8Array = LEADING_CRLF;
  #headerPieces: Uint8Array[] = [];
  #headerSize = 0;
  #headerMatch = 0;
  #part: OpenPart | undefined;
  readonly #fields: Array<[string, string]> = [];
  #file: MultipartFile | undefined;

  constructor(delimiter: Uint8Array) {
    this.#delimiter = delimiter;
  }

  /** Takes the next chunk; returns a message when the body turns out to be malformed. */
  push(chunk: Uint8Array): string | undefined {
    let view = chunk;
    if (this.#carry.length > 0) {
      view = concat([this.#carry, chunk], this.#carry.length + chunk.length);
      this.#carry = EMPTY;
    }

    let at = 0;
    while (at < view.length) {
      const next = this.#step(view, at);
      if (typeof next === "string") return next;
      at = next;
    }
    return undefined;
  }

  /** Ends the body: the form when the closing delimiter was seen, a failure otherwise. */
  end(): MultipartResult {
    if (this.#stage === "preamble") return failure("body holds no multipart boundary");
    if (this.#stage !== "epilogue") return failure("body ends before the closing boundary");
    return { ok: true, form: { fields: this.#fields, file: this.#file } };
  }

  /** Reads from `at` in the current stage; returns where to go on, or a failure message. */
  #step(view: Uint8Array, at: number): number | string {
    switch (this.#stage) {
      case "preamble":
      case "body":
        return this.#scanContent(view, at);
      case "headers":
        return this.#scanHeaders(view, at);
      case "epilogue":
        return view.length;
      default:
        return this.#afterDelimiter(view[at]!) ?? at + 1;
    }
  }

  /** Follows the bytes after a delimiter: `--` closes the body, padding and CRLF open a part. */
  #afterDelimiter(byte: number): string | undefined {
    const stage = this.#stage;
    if (stage === "boundary" && byte === DASH) this.#stage = "dash";
    else if (stage === "dash" && byte === DASH) this.#stage = "epilogue";
    else if ((stage === "boundary" || stage === "padding") && (byte === SPACE || byte === TAB)) {
      this.#stage = "padding";
    } else if ((stage === "boundary" || stage === "padding") && byte === CR) {
      this.#stage = "lineEnd";
    } else if (stage === "lineEnd" && byte === LF) this.#openHeaders();
    else return "boundary is followed by neither CRLF nor --";
    return undefined;
  }

  /** Starts reading part headers, as if a CRLF had just been seen (a part may have none). */
  #openHeaders(): void {
    this.#stage = "headers";
    this.#headerPieces = [];
    this.#headerSize = 0;
    this.#headerMatch = 2;
  }

  /** Collects header bytes up to the blank line that ends them. */
  #scanHeaders(view: Uint8Array, from: number): number | string {
    // Count how much of CRLF CRLF has been seen, byte by byte: headers are short.
    let match = this.#headerMatch;
    let at = from;
    const stop = Math.min(view.length, from + MAX_HEADER_BYTES + 1 - this.#headerSize);
    while (at < stop && match < 4) {
      const byte = view[at]!;
      if (byte === CR) match = match === 2 ? 3 : 1;
      else if (byte === LF && (match === 1 || match === 3)) match += 1;
      else match = 0;
      at += 1;
    }
    this.#headerMatch = match;
    this.#headerSize += at - from;
    if (this.#headerSize > MAX_HEADER_BYTES) return "part headers are too long";
    this.#headerPieces.push(view.subarray(from, at));
    if (match < 4) return at;

    // The block ends with CRLF CRLF, or is a lone CRLF when the part has no headers.
    const block = concat(this.#headerPieces, this.#headerSize);
    const text = new TextDecoder().decode(block.subarray(0, Math.max(0, block.length - 4)));
    const opened = this.#openPart(text);
    if (opened !== undefined) return opened;
    this.#stage = "body";
    return at;
  }

  /** Makes the part described by its header text the current one. */
  #openPart(headerText: string): string | undefined {
    const headers = parseHeaders(headerText);
    if (headers === undefined) return "part headers are malformed";

    // Content-Disposition: form-data; name="…"; filename="…"
    const disposition = parseHeaderValue(headers.get("content-disposition") ?? "");
    const name = disposition.params.get("name");
    if (disposition.value.toLowerCase() !== "form-data" || name === undefined) {
      return "part has no form-data name";
    }

    // The part named file is the file; there is at most one.
    let file: OpenPart["file"];
    if (unescapeName(name) === FILE_FIELD) {
      if (this.#file !== undefined) return "form has more than one file part";
      const type = headers.get("content-type")?.trim() ?? "";
      file = { filename: filenameOf(disposition.params), contentType: type || DEFAULT_FILE_TYPE };
    }
    this.#part = { name: unescapeName(name), file, pieces: [], size: 0 };
    return undefined;
  }

  /** Looks for the next delimiter; content before it goes to the current part, if any. */
  #scanContent(view: Uint8Array, from: number): number {
    const delimiter = this.#delimiter;
    const found = findDelimiter(view, delimiter, from);
    if (found >= 0) {
      this.#keep(view.subarray(from, found));
      this.#closePart();
      this.#stage = "boundary";
      return found + delimiter.length;
    }

    // No whole delimiter: hold back a tail that may be the start of one.
    const tail = partialDelimiter(
      view,
      delimiter,
      Math.max(from, view.length - delimiter.length + 1),
    );
    this.#keep(view.subarray(from, tail));
    this.#carry = view.slice(tail);
    return view.length;
  }

  /** Adds content to the current part; preamble content is dropped. */
  #keep(piece: Uint8Array): void {
    if (this.#stage !== "body" || this.#part === undefined || piece.length === 0) return;
    this.#part.pieces.push(piece);
    this.#part.size += piece.length;
  }

  /** Finishes the current part as the file or as a text field. */
  #closePart(): void {
    const part = this.#part;
    if (part === undefined) return;
    this.#part = undefined;
    const bytes = concat(part.pieces, part.size);
    if (part.file !== undefined) this.#file = { ...part.file, bytes };
    else this.#fields.push([part.name, new TextDecoder().decode(bytes)]);
  }
}

/** The index of the first whole delimiter at or after `from`, or -1. */
function findDelimiter(view: Uint8Array, delimiter: Uint8Array, from: number): number {
  const last = view.length - delimiter.length;
  let at = view.indexOf(CR, from);
  while (at >= 0 && at <= last) {
    if (matchesAt(view, at, delimiter, delimiter.length)) return at;
    at = view.indexOf(CR, at + 1);
  }
  return -1;
}

/** The index from which the rest of `view` is a beginning of the delimiter, or its length. */
function partialDelimiter(view: Uint8Array, delimiter: Uint8Array, from: number): number {
  let at = view.indexOf(CR, from);
  while (at >= 0) {
    if (matchesAt(view, at, delimiter, view.length - at)) return at;
    at = view.indexOf(CR, at + 1);
  }
  return view.length;
}

/** Whether `view` holds the first `count` bytes of `pattern` at `at`. */
function matchesAt(view: Uint8Array, at: number, pattern: Uint8Array, count: number): boolean {
  for (let i = 0; i < count; i++) {
    if (view[at + i] !== pattern[i]) return false;
  }
  return true;
}

/** Joins pieces of known total size into one new array. */
function concat(pieces: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** Header lines as a map of lower-case names, with folded lines joined; undefined if malformed. */
function parseHeaders(text: string): Map<string, string> | undefined {
  const headers = new Map<string, string>();
  let previous: string | undefined;
  for (const line of text.length === 0 ? [] : text.split("\r\n")) {
    if ((line.startsWith(" ") || line.startsWith("\t")) && previous !== undefined) {
      headers.set(previous, `${headers.get(previous)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) return undefined;
    previous = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(previous)) headers.set(previous, line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * Splits a header value such as `form-data; name="a"; filename="b;c"` into its leading value and
 * its parameters (lower-case names, first occurrence wins, quotes removed).
 */
function parseHeaderValue(header: string): { value: string; params: Map<string, string> } {
  const params = new Map<string, string>();
  const semicolon = header.indexOf(";");
  const value = (semicolon < 0 ? header : header.slice(0, semicolon)).trim();
  let at = semicolon < 0 ? header.length : semicolon + 1;

  while (at < header.length) {
    // A name, up to `=` or the next `;`.
    const stop = /[=;]/g;
    stop.lastIndex = at;
    const end = stop.exec(header)?.index ?? header.length;
    const name = header.slice(at, end).trim().toLowerCase();
    if (header[end] !== "=") {
      at = end + 1;
      continue;
    }

    // A quoted value runs to the next quote (encoders escape quotes as %22), a bare one to `;`.
    let start = end + 1;
    while (header[start] === " " || header[start] === "\t") start += 1;
    let param: string;
    if (header[start] === '"') {
      const close = header.indexOf('"', start + 1);
      const valueEnd = close < 0 ? header.length : close;
      param = header.slice(start + 1, valueEnd);
      const next = header.indexOf(";", valueEnd);
      at = next < 0 ? header.length : next + 1;
    } else {
      const next = header.indexOf(";", start);
      param = header.slice(start, next < 0 ? header.length : next).trim();
      at = next < 0 ? header.length : next + 1;
    }
    if (name.length > 0 && !params.has(name)) params.set(name, param);
  }
  return { value, params };
}

/** The file name of a part: `filename*` (RFC 5987) when it decodes, else `filename`. */
function filenameOf(params: Map<string, string>): string | undefined {
  const extended = params.get("filename*");
  if (extended !== undefined) {
    const match = /^[\w!#$%&+^`{}~-]*'[^']*'(.*)$/.exec(extended);
    if (match !== null) {
      try {
        return decodeURIComponent(match[1]!);
      } catch {
        // An undecodable extended name falls back to the plain one.
      }
    }
  }
  const plain = params.get("filename");
  return plain === undefined ? undefined : unescapeName(plain);
}

/** Turns the escapes that form encoders use in names (`%22`, `%0D`, `%0A`) back into characters. */
function unescapeName(name: string): string {
  return name.replace(/%(22|0D|0A)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
