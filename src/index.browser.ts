export * from "./core.ts";
export { etagFile } from "./etag/etagFile.unsupported.ts";
export { type PutFileOptions, putFile } from "./upload/putFile.unsupported.ts";
