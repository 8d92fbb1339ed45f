import { urlsafeBase64Decode, urlsafeBase64Encode } from "../auth/base64.ts";
import { md5Hex } from "../checksums/md5.ts";
import { invalidInput, isRetryableStatus, KodoError } from "../errors.ts";
import { etagFromParts } from "../etag/etagFromParts.ts";
import type { EtagDigest } from "../etag/types.ts";
import { abortedError } from "../http/attempt.ts";
import { backoffDelay, sleep } from "../http/backoff.ts";
import { fail, ok, type Result } from "../result.ts";
import type { ByteSource } from "./byteSource.ts";
import { matchingHeldParts } from "./heldParts.ts";
import {
  completeUpload,
  initUpload,
  listParts,
  type MultipartPlace,
  sendPart,
} from "./multipartApi.ts";
import { partDigest } from "./partDigest.ts";
import { choosePartSize, partLimits } from "./partPlan.ts";
import { partReader } from "./partReader.ts";
import { progressBody } from "./progressBody.ts";
import { type ProgressTracker, trackProgress } from "./progressTracker.ts";
import { type TokenHolder, tokenHolder } from "./tokenHolder.ts";
import { checkHash, prefixed } from "./uploadFields.ts";
import type {
  ResumePart,
  ResumeState,
  ResumeStore,
  UploadData,
  UploadOptions,
  UploadTarget,
} from "./uploadTypes.ts";

/** Where the state of a resumable upload is kept, and what its source is. */
export interface ResumePlan {
  store: ResumeStore;
  id: string;
  /** Changes whenever the source does (path, size and mtime, or the caller's id). */
  fingerprint: string;
}

/** A multipart upload to run. */
export interface MultipartJob {
  target: UploadTarget;
  /** The object's key; `undefined` lets the service choose it. */
  key: string | undefined;
  source: ByteSource;
  options: UploadOptions;
  resume: ResumePlan | undefined;
}

/** Everything the steps of one run share. */
interface Run {
  job: MultipartJob;
  hosts: readonly string[];
  tokens: TokenHolder;
  signal: AbortSignal | undefined;
  partSize: number;
  progress: ProgressTracker;
}

/**
 * Uploads a body in parts (multipart upload v2): several parts at a time, each read into one of
 * a few buffers used again and again (memory about concurrency × part size, whatever the size of
 * the object), each checked with its MD5, retried on transient failures on the next host, with a
 * renewed token after a 401; the state saved after each part so that a later run sends only the
 * parts the service lacks (those it holds but the state missed are checked against the source);
 * an upload the service forgot (612) started over; an abort ending every request at once; the
 * object's etag computed from the parts and compared with the service's hash.
 */
export async function multipartUpload(job: MultipartJob): Promise<Result<UploadData>> {
  const { target, options } = job;
  const hosts = await target.hosts(options.signal);
  if (!hosts.ok) return hosts;
  const token = await target.token();
  if (!token.ok) return token;

  const run: Run = {
    job,
    hosts: hosts.data,
    tokens: tokenHolder(token.data, target),
    signal: options.signal,
    partSize: choosePartSize(options.partSize, job.source.size),
    progress: trackProgress(job.source.size, options.onProgress),
  };

  // An upload the service no longer knows starts over, once, when the source can be read again;
  // progress then stays where it was until the new upload passes it.
  const first = await runOnce(run);
  if (first.ok || !isForgotten(first.error) || job.source.readAt === undefined) return first;
  run.progress.restart();
  return runOnce(run);
}

/** The service's answer for an uploadId it does not know (never given, expired or completed). */
function isForgotten(error: KodoError): boolean {
  return error.status === 612;
}

function place(run: Run, hostShift = 0): MultipartPlace {
  const shift = hostShift % run.hosts.length;
  return {
    transport: run.job.target.transport,
    hosts: [...run.hosts.slice(shift), ...run.hosts.slice(0, shift)],
    bucket: run.job.target.bucket,
    key: run.job.key,
    token: run.tokens.current,
    signal: run.signal,
  };
}

/** Sends a request again with a renewed token after a 401, at most twice. */
async function withToken<T>(run: Run, send: () => Promise<Result<T>>): Promise<Result<T>> {
  for (let renewals = 0; ; renewals++) {
    const used = run.tokens.current;
    const result = await send();
    if (result.ok || result.error.code !== "unauthorized" || renewals >= 2) return result;
    const renewed = await run.tokens.renew(used);
    if (!renewed.ok) return result;
  }
}

async function runOnce(run: Run): Promise<Result<UploadData>> {
  const { job } = run;

  // Resume what a previous run left, or start anew.
  const started = await startOrResume(run);
  if (!started.ok) return started;
  const state = started.data;
  const save = saver(job.resume, state);
  run.progress.resumed(state.parts.reduce((sum, part) => sum + part.size, 0));

  // Send the missing parts.
  const sent = await sendParts(run, state, save);
  if (!sent.ok) {
    await save.flush();
    if (isForgotten(sent.error)) await forget(job.resume);
    return sent;
  }

  // Join them, and check the hash against the etag of the parts.
  const parts = [...state.parts].sort((a, b) => a.partNumber - b.partNumber);
  const size = parts.reduce((sum, part) => sum + part.size, 0);
  const local = await etagFromParts(
    parts.map((part) => urlsafeBase64Decode(part.digest) ?? new Uint8Array(0)),
    parts.map((part) => part.size),
  );
  await save.flush();
  const completed = await withToken(run, () =>
    completeUpload(place(run), state.uploadId, {
      parts,
      fname: job.options.fileName ?? job.key ?? "fname",
      mimeType: job.options.mimeType,
      customVars: Object.fromEntries(prefixed(job.options.customVars, "x:")),
      metadata: Object.fromEntries(prefixed(job.options.metadata, "x-qn-meta-")),
    }),
  );
  if (!completed.ok) {
    if (!isForgotten(completed.error)) return completed;
    await forget(job.resume);
    // A repeated completion finds the upload gone when the first one's answer was lost.
    const key = job.key;
    const stored = key !== undefined && (await job.target.holds?.(key, local, run.signal));
    if (!stored) return completed;
    run.progress.finish(size);
    return ok({ key, hash: local, fsize: size, response: { hash: local, key } });
  }
  await forget(job.resume);

  const answer = completed.data.data;
  const mismatch = checkHash(answer.hash, local, completed.data.reqId);
  if (mismatch !== undefined) return fail(mismatch);
  run.progress.finish(size);
  return ok({ key: answer.key ?? job.key ?? "", hash: local, fsize: size, response: answer });
}

async function forget(resume: ResumePlan | undefined): Promise<void> {
  await resume?.store.delete(resume.id).catch(() => undefined);
}

/** The state to go on from: a saved one the service still knows, else a new upload. */
async function startOrResume(run: Run): Promise<Result<ResumeState>> {
  const { job } = run;
  const resume = job.resume;
  const saved = await resume?.store.get(resume.id).catch(() => undefined);
  const now = Date.now() / 1000;
  const usable =
    saved !== undefined &&
    saved.version === 1 &&
    saved.fingerprint === resume?.fingerprint &&
    saved.bucket === job.target.bucket &&
    saved.key === (job.key ?? "") &&
    saved.partSize === run.partSize &&
    saved.expireAt > now + 60;

  if (usable) {
    // Keep only the parts the service holds, with the same etags, and those it holds that the
    // state missed but the source matches.
    const listed = await withToken(run, () => listParts(place(run), saved.uploadId));
    if (listed.ok) {
      const held = new Map(listed.data.map((part) => [part.partNumber, part.etag]));
      const parts = saved.parts.filter((part) => held.get(part.partNumber) === part.etag);
      const known = new Set(parts.map((part) => part.partNumber));
      const missed = await matchingHeldParts(job.source, run.partSize, listed.data, known);
      return ok({ ...saved, parts: [...parts, ...missed] });
    }
    if (!isForgotten(listed.error)) return listed;
  }
  if (saved !== undefined) await forget(resume);

  const created = await withToken(run, () => initUpload(place(run)));
  if (!created.ok) return created;
  const state: ResumeState = {
    version: 1,
    bucket: job.target.bucket,
    key: job.key ?? "",
    uploadId: created.data.data.uploadId,
    expireAt: created.data.data.expireAt,
    partSize: run.partSize,
    fingerprint: resume?.fingerprint ?? "",
    parts: [],
  };
  if (resume !== undefined) await resume.store.set(resume.id, state).catch(() => undefined);
  return ok(state);
}

/** Saves the state after each part, one write at a time, the last one winning. */
function saver(resume: ResumePlan | undefined, state: ResumeState) {
  let queue: Promise<void> = Promise.resolve();
  let dirty = false;
  const write = async () => {
    if (!dirty || resume === undefined) return;
    dirty = false;
    // A store that fails costs the ability to resume, not the upload.
    await resume.store.set(resume.id, { ...state, parts: [...state.parts] }).catch(() => undefined);
  };
  return {
    save(): void {
      dirty = true;
      queue = queue.then(write);
    },
    flush(): Promise<void> {
      queue = queue.then(write);
      return queue;
    },
  };
}

/** Reads the source part by part and sends each part that is not done, a few at a time. */
async function sendParts(
  run: Run,
  state: ResumeState,
  saving: { save(): void },
): Promise<Result<undefined>> {
  const { source, options } = run.job;
  const done = new Map(state.parts.map((part) => [part.partNumber, part]));
  const concurrency = options.concurrency ?? 4;
  const stop = new AbortController();
  const signal =
    run.signal === undefined ? stop.signal : AbortSignal.any([run.signal, stop.signal]);
  const partRun: Run = { ...run, signal };

  let failure: KodoError | undefined;
  const inFlight = new Set<Promise<void>>();
  const reader = partReader(source, run.partSize);
  let offset = 0;

  for (let partNumber = 1; failure === undefined && !signal.aborted; partNumber++) {
    // A part already done is skipped, or read past when the source cannot seek.
    const finished = done.get(partNumber);
    if (finished !== undefined) {
      if (source.readAt === undefined) {
        const skipped = await reader.read(offset, run.partSize, signal);
        if (!skipped.ok) failure ??= skipped.error;
        else if (skipped.data.bytes.length !== finished.size) failure ??= changedSource();
        if (skipped.ok) skipped.data.release();
      }
      offset += finished.size;
      if (finished.size < run.partSize) break;
      continue;
    }

    // Wait for a free slot, then read the part into memory that no other part uses meanwhile.
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure !== undefined || signal.aborted) break;
    const read = await reader.read(offset, run.partSize, signal);
    if (!read.ok) {
      failure ??= read.error;
      break;
    }
    const { bytes, release } = read.data;
    if (bytes.length < run.partSize) run.progress.ended(offset + bytes.length);
    if (bytes.length === 0 || partNumber > partLimits.count) {
      release();
      if (bytes.length > 0) failure = tooManyParts(run.partSize);
      break;
    }
    offset += bytes.length;

    // The memory goes back once nothing reads it: the requests are over, the digest taken.
    const digest = partDigest(source, bytes);
    const sending = sendOnePart(partRun, state.uploadId, partNumber, bytes, digest);
    const task = sending.then((part) => {
      digest.then(release, release);
      inFlight.delete(task);
      if (!part.ok) {
        failure ??= part.error;
        stop.abort(part.error);
        return;
      }
      state.parts.push(part.data);
      saving.save();
      run.progress.done(part.data.partNumber, part.data.size);
    });
    inFlight.add(task);
    if (bytes.length < run.partSize) break;
    if (source.size !== undefined && offset >= source.size) break;
  }
  await Promise.all(inFlight);

  if (run.signal?.aborted) return fail(abortedError("the upload", run.signal.reason));
  return failure === undefined ? ok(undefined) : fail(failure);
}

function changedSource(): KodoError {
  return invalidInput(
    "the body differs from the one the saved upload began with; give a new resumeId",
  );
}

function tooManyParts(partSize: number): KodoError {
  const mib = partSize / (1024 * 1024);
  const message =
    `the body needs more than ${partLimits.count} parts of ${mib} MiB: ` +
    "give its size or a larger partSize";
  return invalidInput(message);
}

/** A failure that a new attempt, on the next host, may not meet. */
function isTransient(error: KodoError): boolean {
  if (error.code === "network_error" || error.code === "timeout") return true;
  if (error.code === "invalid_response") return error.status === undefined || error.status < 300;
  return error.status !== undefined && isRetryableStatus(error.status);
}

/**
 * The error of a part that failed on every attempt, marked as one a later upload may not meet:
 * the transport cannot say so itself, since it never sends a part's stream twice.
 */
function stillRetryable(error: KodoError): KodoError {
  if (error.retryable) return error;
  const { code, message, status, reqId, issues, cause, retryAfterMs } = error;
  return new KodoError({
    code,
    message,
    status,
    reqId,
    issues,
    cause,
    retryAfterMs,
    retryable: true,
  });
}

/** Sends one part until it is acknowledged, with its own retries across hosts. */
async function sendOnePart(
  run: Run,
  uploadId: string,
  partNumber: number,
  bytes: Uint8Array,
  digest: Promise<EtagDigest>,
): Promise<Result<ResumePart>> {
  const md5 = (run.job.source.md5Hex ?? md5Hex)(bytes);
  const transport = run.job.target.transport;
  const retries = transport.retry.retries;
  const once = { ...transport, retry: { ...transport.retry, retries: 0 } };

  for (let attempt = 1; ; attempt++) {
    const reply = await withToken(run, async () => {
      const body = progressBody(bytes, (sent) => run.progress.sending(partNumber, sent));
      const where = { ...place(run, attempt - 1), transport: once };
      const sent = await sendPart(where, uploadId, partNumber, body.body, bytes.length, md5);
      body.stop();
      return sent;
    });

    // The service must have received the very bytes sent.
    let error: KodoError;
    if (reply.ok) {
      const answered = reply.data.data.md5;
      if (answered === undefined || answered === md5) {
        const raw = urlsafeBase64Encode((await digest).digest);
        return ok({ partNumber, etag: reply.data.data.etag, size: bytes.length, digest: raw });
      }
      const message = `part ${partNumber}: the service got MD5 ${answered}, not ${md5}`;
      error = new KodoError({
        code: "checksum_mismatch",
        message,
        reqId: reply.data.reqId,
        retryable: true,
      });
    } else {
      error = reply.error;
    }

    if (run.signal?.aborted) return fail(error);
    if (!(isTransient(error) || error.code === "checksum_mismatch")) return fail(error);
    if (attempt > retries) return fail(stillRetryable(error));
    // The service's Retry-After (573) wins over the backoff, within the longest wait allowed.
    const asked = error.retryAfterMs;
    const wait = asked === undefined ? undefined : Math.min(asked, transport.retry.maxDelayMs);
    await sleep(wait ?? backoffDelay(attempt, transport.retry), run.signal);
  }
}
