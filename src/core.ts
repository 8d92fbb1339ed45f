export { urlsafeBase64Decode, urlsafeBase64Encode } from "./auth/base64.ts";
export { type Credentials, sign, signWithData } from "./auth/credentials.ts";
export { signDownloadUrl } from "./auth/downloadUrl.ts";
export { decodeEntry, type Entry, encodedEntry } from "./auth/entry.ts";
export type { PutPolicy } from "./auth/putPolicy.ts";
export { type SignableRequest, signQbox } from "./auth/qbox.ts";
export { signQiniu } from "./auth/qiniu.ts";
export {
  type ParsedUploadToken,
  parseUploadToken,
  type UploadTokenPolicy,
  uploadToken,
} from "./auth/uploadToken.ts";
export {
  type VerifyCallbackData,
  type VerifyCallbackOptions,
  verifyCallback,
} from "./auth/verifyCallback.ts";
export { type SignedRequest, verifyCallbackSignature } from "./auth/verifyCallbackSignature.ts";
export { type CreateBucketOptions, createBucket } from "./buckets/createBucket.ts";
export { type DropData, type DropOptions, drop } from "./buckets/drop.ts";
export {
  type BucketInfoData,
  type GetBucketInfoOptions,
  getBucketInfo,
} from "./buckets/getBucketInfo.ts";
export { type ListBucketsOptions, listBuckets } from "./buckets/listBuckets.ts";
export { type ListDomainsOptions, listDomains } from "./buckets/listDomains.ts";
export { type PublishOptions, publish } from "./buckets/publish.ts";
export { type UnpublishOptions, unpublish } from "./buckets/unpublish.ts";
export {
  type Client,
  type ClientOptions,
  createClient,
  type Logger,
  type RegionHosts,
  type RequestEvent,
  type RetryOptions,
  type ServiceName,
} from "./client.ts";
export {
  isKodoError,
  KodoError,
  type KodoErrorCode,
  type KodoErrorInit,
  type KodoIssue,
} from "./errors.ts";
export {
  createEtagHasher,
  type EtagHasher,
  type EtagHasherOptions,
} from "./etag/createEtagHasher.ts";
export { etag } from "./etag/etag.ts";
export { etagFromParts } from "./etag/etagFromParts.ts";
export { etagV2 } from "./etag/etagV2.ts";
export type { EtagBody, EtagOptions } from "./etag/types.ts";
export { type BatchItemData, type BatchOptions, batch } from "./objects/batch.ts";
export {
  type BatchOp,
  changeMetadataOp,
  changeMimeOp,
  changeStatusOp,
  changeTypeOp,
  copyOp,
  deleteAfterDaysOp,
  type MetadataChange,
  type MetadataCondition,
  moveOp,
  type OpTarget,
  removeOp,
  type ServedHeaders,
  statOp,
  type TransferTarget,
} from "./objects/batchOps.ts";
export { type ChangeMetadataOptions, changeMetadata } from "./objects/changeMetadata.ts";
export { type ChangeMimeOptions, changeMime } from "./objects/changeMime.ts";
export { type ChangeStatusOptions, changeStatus } from "./objects/changeStatus.ts";
export { type ChangeTypeOptions, changeType } from "./objects/changeType.ts";
export { type CopyOptions, copy } from "./objects/copy.ts";
export { type DeleteAfterDaysOptions, deleteAfterDays } from "./objects/deleteAfterDays.ts";
export {
  type DownloadUrlData,
  type DownloadUrlOptions,
  downloadUrl,
} from "./objects/downloadUrl.ts";
export { type FetchUrlData, type FetchUrlOptions, fetchUrl } from "./objects/fetchUrl.ts";
export { type GetData, type GetOptions, get } from "./objects/get.ts";
export { getIfNotModified } from "./objects/getIfNotModified.ts";
export { type ListEntry, list } from "./objects/list.ts";
export {
  type ListItem,
  type ListOptions,
  type ListPageData,
  listPage,
} from "./objects/listPage.ts";
export { type MoveOptions, move } from "./objects/move.ts";
export { type PrefetchOptions, prefetch } from "./objects/prefetch.ts";
export { type RemoveOptions, remove } from "./objects/remove.ts";
export {
  type RemoveByPrefixData,
  type RemoveByPrefixOptions,
  type RemoveByPrefixProgress,
  type RemoveFailure,
  removeByPrefix,
} from "./objects/removeByPrefix.ts";
export { type StatData, type StatOptions, stat } from "./objects/stat.ts";
export type { Result } from "./result.ts";

export type { UploadBody } from "./upload/byteSource.ts";
export type { UploadPolicy } from "./upload/clientTarget.ts";
export { type PutOptions, put } from "./upload/put.ts";
export { type PutAuthData, type PutAuthOptions, putAuth } from "./upload/putAuth.ts";
export { createMemoryResumeStore } from "./upload/resumeStores.ts";
export type {
  ResumePart,
  ResumeState,
  ResumeStore,
  UploadData,
  UploadOptions,
  UploadProgress,
} from "./upload/uploadTypes.ts";
export { type UploadWithTokenOptions, uploadWithToken } from "./upload/uploadWithToken.ts";
