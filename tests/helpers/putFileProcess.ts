// Uploads one file with putFile and its default resume store, then prints the outcome as one
// line of JSON. Started, and killed, by tests/e2e/killedUpload.test.ts:
//   PUT_FILE_JOB='{"url":…,"accessKey":…,"secretKey":…,"key":…,"path":…}' \
//     node --import tsx tests/helpers/putFileProcess.ts
import { createClient } from "../../src/client.ts";
import { putFile } from "../../src/upload/putFile.ts";

interface Job {
  url: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  key: string;
  path: string;
}

const job = JSON.parse(process.env.PUT_FILE_JOB ?? "{}") as Job;
const client = createClient({
  accessKey: job.accessKey,
  secretKey: job.secretKey,
  bucket: job.bucket,
  ucHost: job.url,
  retry: { baseDelayMs: 5, maxDelayMs: 50 },
});
const result = await putFile(client, job.key, job.path);
const outcome = result.ok
  ? { ok: true, key: result.data.key, hash: result.data.hash, fsize: result.data.fsize }
  : { ok: false, code: result.error.code, message: result.error.message };
process.stdout.write(`${JSON.stringify(outcome)}\n`);
