import { crc32 } from "../../checksums/crc32.ts";
import { etagText as etag } from "../../etag/etag.ts";
import { checkUploadToken } from "../auth.ts";
import { type Exchange, header } from "../exchange.ts";
import { failure, type Reply } from "../http/reply.ts";
import { md5Hex } from "../md5.ts";
import { parseMultipart } from "../multipart.ts";
import { commitUpload, splitFields } from "../upload/commit.ts";

/** The largest form upload accepted, as the service documents it. */
const maxFormBytes = 1024 ** 3;

/**
 * `POST /` with a multipart form: `token`, `key`, `crc32`, `x:*` and `x-qn-meta-*` fields, before
 * or after the `file` part.
 *
 * @param exchange - The request.
 * @returns The upload's answer, or 400/401/403/406/413/579/614.
 */
export async function formUpload(exchange: Exchange): Promise<Reply> {
  // The form, read whole.
  const parsed = await parseMultipart(
    exchange.body.chunks(),
    header(exchange, "content-type") ?? "",
    {
      maxBytes: maxFormBytes,
    },
  );
  if (!parsed.ok && exchange.body.received > maxFormBytes)
    return failure(413, "request entity too large");
  if (!parsed.ok) return failure(400, `invalid multipart format: ${parsed.message}`);
  const { fields, file } = parsed.form;
  const field = (name: string) => fields.find(([n]) => n === name)?.[1];

  // The token, then the file and its checksum.
  const checked = await checkUploadToken(exchange, field("token"));
  if (!checked.ok) return checked.reply;
  if (file === undefined) return failure(400, "file is not specified in multipart");
  const givenCrc = field("crc32");
  if (givenCrc !== undefined) {
    if (!/^\d{1,10}$/.test(givenCrc.trim())) return failure(400, "invalid crc32");
    if (Number(givenCrc.trim()) !== crc32(file.bytes)) return failure(406, "crc32 not match");
  }

  // Custom variables and metadata.
  const { customVars, meta } = splitFields(fields);

  const bytes = file.bytes;
  const blob = await exchange.ctx.catalog.store.writeBlob(bytes);
  return commitUpload(exchange, {
    token: checked.token,
    key: field("key"),
    content: { blob, fsize: bytes.length, hash: await etag(bytes), md5: md5Hex(bytes) },
    mimeType: file.contentType,
    fname: file.filename,
    customVars,
    meta,
    api: "form",
  });
}
