export * from "./core.ts";
export { etagFile } from "./etag/etagFile.ts";
export { createFileResumeStore } from "./upload/fileResumeStore.ts";
export { type PutFileOptions, putFile } from "./upload/putFile.ts";
