export { startEmulator } from "./server.ts";
export type {
  BucketOption,
  Emulator,
  EmulatorOptions,
  FaultRule,
  RecordedRequest,
  RouteStats,
} from "./types.ts";
