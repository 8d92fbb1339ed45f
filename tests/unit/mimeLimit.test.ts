import { describe, expect, it } from "vitest";
import { mimeAllowed } from "../../src/emulator/mimeLimit.ts";

describe("mimeAllowed", () => {
  it("allows only the listed types of an allow list, with * wildcards", () => {
    const limit = "image/*;video/mp4";
    expect(mimeAllowed(limit, "image/png")).toBe(true);
    expect(mimeAllowed(limit, "image/svg+xml")).toBe(true);
    expect(mimeAllowed(limit, "video/mp4")).toBe(true);
    expect(mimeAllowed(limit, "video/webm")).toBe(false);
    expect(mimeAllowed(limit, "text/plain")).toBe(false);
    expect(mimeAllowed(limit, "application/octet-stream")).toBe(false);
  });

  it("refuses the listed types of a deny list and allows the others", () => {
    const limit = "!application/json;text/plain";
    expect(mimeAllowed(limit, "application/json")).toBe(false);
    expect(mimeAllowed(limit, "text/plain")).toBe(false);
    expect(mimeAllowed(limit, "text/html")).toBe(true);
    expect(mimeAllowed(limit, "image/png")).toBe(true);
    expect(mimeAllowed("!image/*", "image/gif")).toBe(false);
    expect(mimeAllowed("!image/*", "video/mp4")).toBe(true);
  });

  it("ignores case, spaces around entries, empty entries and type parameters", () => {
    expect(mimeAllowed(" Image/* ; ; text/plain ", "IMAGE/JPEG")).toBe(true);
    expect(mimeAllowed("text/plain", "text/plain; charset=utf-8")).toBe(true);
    expect(mimeAllowed("!text/plain", "Text/Plain;charset=utf-8")).toBe(false);
  });

  it("matches wildcards anywhere in a pattern, not as prefixes", () => {
    expect(mimeAllowed("*", "anything/at-all")).toBe(true);
    expect(mimeAllowed("*/json", "application/json")).toBe(true);
    expect(mimeAllowed("*/json", "application/jsonx")).toBe(false);
    expect(mimeAllowed("application/*+xml", "application/atom+xml")).toBe(true);
    expect(mimeAllowed("application/*+xml", "application/xml")).toBe(false);
    expect(mimeAllowed("a*b*c", "abc")).toBe(true);
    expect(mimeAllowed("a*bc*c", "abc")).toBe(false);
    expect(mimeAllowed("video/mp4", "video/mp4v")).toBe(false);
    expect(mimeAllowed("image/.*", "image/png")).toBe(false);
  });

  it("allows everything when the limit lists nothing", () => {
    expect(mimeAllowed("", "image/png")).toBe(true);
    expect(mimeAllowed(" ; ", "image/png")).toBe(true);
    expect(mimeAllowed("!", "image/png")).toBe(true);
  });
});
