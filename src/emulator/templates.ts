/**
 * How {@link renderTemplate} writes values: `json` as JSON values (a returnBody), `form`
 * URL-encoded (a form callbackBody), `raw` as plain text (a saveKey).
 */
export type TemplateMode = "json" | "form" | "raw";

/**
 * Replaces every `$(name)` and `${name}` in a put-policy template with the value `lookup` gives
 * for `name`. In `json` mode a variable outside a string literal becomes a JSON value (an unknown
 * one `null`), and one inside a string literal (`"$(key)"`) becomes escaped string content; `form`
 * mode URL-encodes values and `raw` mode inserts their text. Objects are written as JSON; an
 * unknown variable is empty everywhere but in a bare JSON position.
 *
 * @param template - a returnBody, callbackBody or saveKey
 * @param lookup - the value of a variable, `undefined` when it is unknown
 * @param mode - how values are written
 * @returns the template with its variables replaced
 * @example
 * renderTemplate('{"key":$(key),"size":$(fsize)}', (n) => ({ key: "a.txt", fsize: 5 })[n], "json")
 * // '{"key":"a.txt","size":5}'
 */
export function renderTemplate(
  template: string,
  lookup: (name: string) => unknown,
  mode: TemplateMode,
): string {
  let out = "";
  let inString = false;
  let at = 0;
  while (at < template.length) {
    const char = template[at]!;

    // A variable: `$(` or `${` up to its closing bracket.
    const close = char === "$" ? closingBracket(template, at + 1) : -1;
    if (close > 0) {
      const value = lookup(template.slice(at + 2, close));
      out += mode === "json" ? jsonValue(value, inString) : plainValue(value, mode === "form");
      at = close + 1;
      continue;
    }

    // Any other character is copied; in json mode string literals are tracked.
    if (mode === "json" && inString && char === "\\" && at + 1 < template.length) {
      out += template.slice(at, at + 2);
      at += 2;
      continue;
    }
    if (mode === "json" && char === '"') inString = !inString;
    out += char;
    at += 1;
  }
  return out;
}

/**
 * Gives the magic and custom variables of an upload by name: `bucket`, `key`, `etag` and `hash`,
 * `fsize`, `mimeType`, `fname`, `fprefix`, `ext` (of `fname`, else of `key`), `endUser`, `uuid`
 * (one per upload), the UTC time parts `year`, `mon`, `day`, `hour`, `min`, `sec`, and
 * `x:<name>`. Other names, such as `bodySha1` or `imageInfo.width`, are unknown (`undefined`).
 *
 * @param upload - the upload's facts; `putTime` defaults to now
 * @returns a lookup for {@link renderTemplate}
 * @example
 * const upload = { bucket: "b", key: "", hash: "Fh8x", fsize: 3, mimeType: "image/jpeg" };
 * const lookup = magicVariables({ ...upload, fname: "cat.jpg", putTime: new Date("2024-05-06") });
 * renderTemplate("$(year)/$(etag)$(ext)", lookup, "raw") // "2024/Fh8x.jpg"
 */
export function magicVariables(upload: {
  bucket: string;
  key: string;
  hash: string;
  fsize: number;
  mimeType: string;
  fname?: string | undefined;
  endUser?: string | undefined;
  putTime?: Date;
  /** Custom variables by name, `x:` prefix included. */
  customVars?: Record<string, string>;
}): (name: string) => unknown {
  const time = upload.putTime ?? new Date();
  let uuid: string | undefined;
  const pad = (n: number) => String(n).padStart(2, "0");

  return (name) => {
    if (name.startsWith("x:")) {
      const vars = upload.customVars;
      return vars !== undefined && Object.hasOwn(vars, name) ? vars[name] : undefined;
    }
    switch (name) {
      case "bucket":
        return upload.bucket;
      case "key":
        return upload.key;
      case "etag":
      case "hash":
        return upload.hash;
      case "fsize":
        return upload.fsize;
      case "mimeType":
        return upload.mimeType;
      case "fname":
        return upload.fname;
      case "fprefix":
        return upload.fname?.slice(0, upload.fname.length - extension(upload.fname).length);
      case "ext":
        return extension(upload.fname ?? "") || extension(upload.key);
      case "endUser":
        return upload.endUser;
      case "uuid":
        uuid ??= crypto.randomUUID();
        return uuid;
      case "year":
        return String(time.getUTCFullYear()).padStart(4, "0");
      case "mon":
        return pad(time.getUTCMonth() + 1);
      case "day":
        return pad(time.getUTCDate());
      case "hour":
        return pad(time.getUTCHours());
      case "min":
        return pad(time.getUTCMinutes());
      case "sec":
        return pad(time.getUTCSeconds());
      default:
        return undefined;
    }
  };
}

/** The index of the bracket closing a variable that opens at `at` (`(` or `{`), or -1. */
function closingBracket(template: string, at: number): number {
  const open = template[at];
  const close = open === "(" ? ")" : open === "{" ? "}" : undefined;
  if (close === undefined) return -1;
  const end = template.indexOf(close, at + 1);
  return end > at + 1 ? end : -1;
}

/** A value written as JSON, or as escaped string content inside a string literal. */
function jsonValue(value: unknown, inString: boolean): string {
  if (inString) return JSON.stringify(text(value)).slice(1, -1);
  if (value === undefined || value === null) return "null";
  if (typeof value === "bigint") return value.toString();
  return JSON.stringify(value) ?? "null";
}

/** A value as text, URL-encoded when asked. */
function plainValue(value: unknown, encode: boolean): string {
  const plain = text(value);
  return encode ? encodeURIComponent(plain) : plain;
}

/** The text of a value: strings as they are, unknown as empty, objects as JSON. */
function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The extension of the last path segment with its dot (`.jpg`), or "" (none, or a dot file). */
function extension(name: string): string {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot) : "";
}
