// biome-ignore-all lint/suspicious/noTemplateCurlyInString: put-policy templates write ${name}
import { describe, expect, it } from "vitest";
import { magicVariables, renderTemplate } from "../../src/emulator/templates.ts";

const upload = {
  bucket: "photos",
  key: "2024/cat.jpg",
  hash: "FhFq8IZr9iU2UfWjFnbQ6MmTyvbw",
  fsize: 12345,
  mimeType: "image/jpeg",
  fname: 'my "cat".JPG',
  endUser: "user-7",
  putTime: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
  customVars: { "x:var_1": "val_1", "x:quote": 'say "hi"\n' },
};
const lookup = magicVariables(upload);

describe("renderTemplate", () => {
  it("writes bare variables as JSON values in a returnBody", () => {
    const template =
      '{"key":$(key),"hash":$(etag),"fsize":$(fsize),"fname":$(fname),"var_1":$(x:var_1)}';
    const body = renderTemplate(template, lookup, "json");
    expect(JSON.parse(body)).toEqual({
      key: "2024/cat.jpg",
      hash: "FhFq8IZr9iU2UfWjFnbQ6MmTyvbw",
      fsize: 12345,
      fname: 'my "cat".JPG',
      var_1: "val_1",
    });
    expect(body).toContain('"fsize":12345');
  });

  it("writes unknown variables as null in a bare JSON position", () => {
    const body = renderTemplate(
      '{"w":$(imageInfo.width),"v":$(x:missing),"s":${bodySha1}}',
      lookup,
      "json",
    );
    expect(body).toBe('{"w":null,"v":null,"s":null}');
  });

  it("escapes a variable that the template already quotes, without adding quotes", () => {
    const template = '{"key":"$(key)","q":"${x:quote}","path":"/$(bucket)/$(key)","n":"$(fsize)"}';
    const body = renderTemplate(template, lookup, "json");
    expect(JSON.parse(body)).toEqual({
      key: "2024/cat.jpg",
      q: 'say "hi"\n',
      path: "/photos/2024/cat.jpg",
      n: "12345",
    });
  });

  it("tracks escaped quotes inside JSON string literals", () => {
    const body = renderTemplate('{"a\\"b":$(key),"c":"\\"$(key)\\""}', lookup, "json");
    expect(JSON.parse(body)).toEqual({ 'a"b': "2024/cat.jpg", c: '"2024/cat.jpg"' });
  });

  it("writes objects and booleans as JSON", () => {
    const values: Record<string, unknown> = { info: { width: 2, format: "png" }, yes: true };
    const body = renderTemplate('{"i":$(info),"y":${yes},"s":"$(info)"}', (n) => values[n], "json");
    expect(JSON.parse(body)).toEqual({
      i: { width: 2, format: "png" },
      y: true,
      s: '{"width":2,"format":"png"}',
    });
  });

  it("URL-encodes values in form mode and leaves unknown ones empty", () => {
    const body = renderTemplate(
      "key=$(key)&name=$(fname)&q=$(x:quote)&w=$(imageInfo.width)",
      lookup,
      "form",
    );
    expect(body).toBe("key=2024%2Fcat.jpg&name=my%20%22cat%22.JPG&q=say%20%22hi%22%0A&w=");
    const params = new URLSearchParams(body);
    expect(params.get("name")).toBe('my "cat".JPG');
    expect(params.get("q")).toBe('say "hi"\n');
  });

  it("inserts plain text in raw mode", () => {
    expect(renderTemplate("$(year)/$(mon)/$(etag)$(ext)", lookup, "raw")).toBe(
      "2024/01/FhFq8IZr9iU2UfWjFnbQ6MmTyvbw.JPG",
    );
    expect(renderTemplate("a-$(nothing)-b", lookup, "raw")).toBe("a--b");
  });

  it("accepts both $(name) and ${name} and leaves other dollar signs alone", () => {
    expect(renderTemplate("$(bucket) ${bucket} $ $x $() ${} $(open", lookup, "raw")).toBe(
      "photos photos $ $x $() ${} $(open",
    );
  });
});

describe("magicVariables", () => {
  it("gives the upload's facts by their magic names", () => {
    expect(lookup("bucket")).toBe("photos");
    expect(lookup("key")).toBe("2024/cat.jpg");
    expect(lookup("etag")).toBe(upload.hash);
    expect(lookup("hash")).toBe(upload.hash);
    expect(lookup("fsize")).toBe(12345);
    expect(lookup("mimeType")).toBe("image/jpeg");
    expect(lookup("fname")).toBe('my "cat".JPG');
    expect(lookup("fprefix")).toBe('my "cat"');
    expect(lookup("ext")).toBe(".JPG");
    expect(lookup("endUser")).toBe("user-7");
  });

  it("gives zero-padded UTC time parts of the put time", () => {
    const parts = ["year", "mon", "day", "hour", "min", "sec"].map(lookup);
    expect(parts).toEqual(["2024", "01", "02", "03", "04", "05"]);
  });

  it("gives custom variables by their x: names and nothing for missing ones", () => {
    expect(lookup("x:var_1")).toBe("val_1");
    expect(lookup("x:missing")).toBeUndefined();
    expect(lookup("x:constructor")).toBeUndefined();
    expect(lookup("var_1")).toBeUndefined();
  });

  it("leaves unsupported variables unknown", () => {
    for (const name of ["bodySha1", "imageInfo.width", "persistentId", "exif", "nope"]) {
      expect(lookup(name)).toBeUndefined();
    }
  });

  it("gives one uuid per upload and a new one for the next upload", () => {
    const uuid = lookup("uuid");
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lookup("uuid")).toBe(uuid);
    expect(magicVariables(upload)("uuid")).not.toBe(uuid);
  });

  it("takes the extension from the key when there is no file name", () => {
    const bare = { bucket: "b", key: "docs/report.final.pdf", hash: "h", fsize: 0, mimeType: "x" };
    expect(magicVariables(bare)("ext")).toBe(".pdf");
    expect(magicVariables(bare)("fname")).toBeUndefined();
    expect(magicVariables(bare)("fprefix")).toBeUndefined();
    expect(magicVariables(bare)("endUser")).toBeUndefined();
    expect(magicVariables({ ...bare, fname: "notes" })("ext")).toBe(".pdf");
    expect(magicVariables({ ...bare, key: "dir.d/.hidden" })("ext")).toBe("");
    expect(magicVariables({ ...bare, fname: "a.tar.gz" })("fprefix")).toBe("a.tar");
  });

  it("uses the current time when no put time is given", () => {
    const before = new Date().getUTCFullYear();
    const { putTime: _, ...untimed } = upload;
    const year = Number(magicVariables(untimed)("year"));
    expect(year).toBeGreaterThanOrEqual(before);
    expect(year).toBeLessThanOrEqual(new Date().getUTCFullYear());
  });

  it("renders a saveKey and a returnBody for the same upload", () => {
    const saveKey = renderTemplate(
      "$(endUser)/$(year)$(mon)$(day)/$(fprefix)$(ext)",
      lookup,
      "raw",
    );
    expect(saveKey).toBe('user-7/20240102/my "cat".JPG');
  });
});
