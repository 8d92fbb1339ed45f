export * from "./core.ts";
export { type PutFileOptions, putFile } from "./upload/putFile.unsupported.ts";
