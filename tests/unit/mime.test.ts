import { describe, expect, it } from "vitest";
import { mimeFromName } from "../../src/mime.ts";

describe("mimeFromName", () => {
  it("knows common extensions of every kind", () => {
    const cases: Array<[string, string]> = [
      ["a.jpg", "image/jpeg"],
      ["a.jpeg", "image/jpeg"],
      ["a.png", "image/png"],
      ["a.gif", "image/gif"],
      ["a.webp", "image/webp"],
      ["a.svg", "image/svg+xml"],
      ["a.mp3", "audio/mpeg"],
      ["a.wav", "audio/wav"],
      ["a.mp4", "video/mp4"],
      ["a.mov", "video/quicktime"],
      ["a.webm", "video/webm"],
      ["a.txt", "text/plain"],
      ["a.html", "text/html"],
      ["a.css", "text/css"],
      ["a.js", "text/javascript"],
      ["a.mjs", "text/javascript"],
      ["a.json", "application/json"],
      ["a.pdf", "application/pdf"],
      ["a.zip", "application/zip"],
      ["a.gz", "application/gzip"],
      ["a.tar", "application/x-tar"],
      ["a.wasm", "application/wasm"],
      ["a.woff2", "font/woff2"],
      ["a.ttf", "font/ttf"],
      ["a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
      ["a.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
      ["a.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"],
      ["a.7z", "application/x-7z-compressed"],
    ];
    for (const [name, type] of cases) expect(mimeFromName(name), name).toBe(type);
  });

  it("ignores the case of the extension", () => {
    expect(mimeFromName("Photo.JPG")).toBe("image/jpeg");
    expect(mimeFromName("INDEX.Html")).toBe("text/html");
  });

  it("uses the last extension of the last path segment", () => {
    expect(mimeFromName("backup.tar.gz")).toBe("application/gzip");
    expect(mimeFromName("photos.2024/cat.png")).toBe("image/png");
    expect(mimeFromName("C:\\Users\\me\\song.MP3")).toBe("audio/mpeg");
    expect(mimeFromName("photos.png/readme")).toBeUndefined();
  });

  it("gives undefined for names without a known extension", () => {
    expect(mimeFromName("README")).toBeUndefined();
    expect(mimeFromName("")).toBeUndefined();
    expect(mimeFromName("file.")).toBeUndefined();
    expect(mimeFromName("data.unknownext")).toBeUndefined();
    expect(mimeFromName("x.constructor")).toBeUndefined();
    expect(mimeFromName("x.__proto__")).toBeUndefined();
    expect(mimeFromName("x.toString")).toBeUndefined();
  });
});
