import { invalidInput, type KodoError } from "../errors.ts";

const domainPattern = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?(\/[A-Za-z0-9._~-]+)*$/;

/** Checks a download domain: a host name, maybe a port, maybe a path such as `/bucket`. */
export function checkDomain(domain: unknown): KodoError | undefined {
  if (typeof domain !== "string" || domain.length > 253 || !domainPattern.test(domain)) {
    return invalidInput("domain: expected a host name such as cdn.example.com or host:port/path");
  }
  return undefined;
}

/** The path of a domain in the domain API. */
export function domainPath(domain: string): string {
  return `/domain/${encodeURIComponent(domain)}`;
}
