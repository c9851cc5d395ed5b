// The upload route against S3's POST-policy rules (research §2–§3), with policies signed by the AWS SDK
// or by hand, each rule checked through its real HTTP answer.
import { encodeMultipart } from '../../src/protocol/multipart.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { futureIso, handSigned, AUTH_CONDITIONS, parseError, postForm, sdkPost, send, startStorage, type StorageServer } from './storage-fixture.ts';

let server: StorageServer;
beforeAll(async () => {
  server = await startStorage();
});
afterAll(async () => server.close());
beforeEach(() => {
  server.clock.reset();
  server.faults.clear();
});

/** A standard SDK policy for `key` with a 0..max range and Content-Type text/plain. */
async function basicPost(key: string, max = 1024, extra: { Conditions?: unknown[]; Fields?: Record<string, string> } = {}) {
  return sdkPost(server, {
    Key: key,
    Conditions: [['content-length-range', 0, max], ...((extra.Conditions ?? []) as never[])],
    Fields: { 'Content-Type': 'text/plain', ...extra.Fields },
    Expires: 600,
  });
}

function expectError(res: { status: number; body: string; headers: Record<string, unknown> }, status: number, code: string, message?: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/xml');
  expect(res.body).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>[^<]+<\/Code><Message>[^<]*<\/Message>.*<RequestId>[0-9A-F]+<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/s);
  const error = parseError(res.body);
  expect(error.Code).toBe(code);
  if (message !== undefined) expect(error.Message).toBe(message);
  return error;
}

describe('request shape', () => {
  it('answers 412 PreconditionFailed for a non-multipart body of any type', async () => {
    for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const res = await send(server.bucketUrl, '{"a":1}', type);
      const error = expectError(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      expect(error.Condition).toBe('Bucket POST must be of the enclosure-type multipart/form-data');
    }
  });

  it('answers 400 MalformedPOSTRequest for a missing boundary or a truncated body', async () => {
    expectError(await send(server.bucketUrl, 'x', 'multipart/form-data'), 400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
    // A validly signed form whose closing boundary never comes: nothing may be stored.
    const { url, fields } = await basicPost('truncated.txt');
    const form = encodeMultipart(fields, { filename: 'a', contentType: 'text/plain' }, new TextEncoder().encode('abc'), 'B');
    const truncated = Buffer.from(form.body).subarray(0, form.body.length - '\r\n--B--\r\n'.length);
    expectError(await send(url, truncated, form.contentType), 400, 'MalformedPOSTRequest');
    expect(server.storage.getObject('truncated.txt')).toBeUndefined();
  });

  it('limits the fields before the file to 20 KB', async () => {
    const { url, fields } = await basicPost('big-fields.txt');
    const res = await postForm(url, { 'x-ignore-pad': 'p'.repeat(20 * 1024), ...fields }, 'abc', { contentType: 'text/plain' });
    expectError(res, 400, 'MaxPostPreDataLengthExceededError', 'Your POST request fields preceding the upload file were too large.');
    const ok = await postForm(url, { 'x-ignore-pad': 'p'.repeat(15 * 1024), ...fields }, 'abc');
    expect(ok.status).toBe(204);
  });

  it('requires a file part, found by its name `file`', async () => {
    const { url, fields } = await basicPost('nofile.txt');
    const body = Object.entries(fields).map(([k, v]) => `--B\r\nContent-Disposition: form-data; name="${k}"; filename="${k}"\r\n\r\n${v}\r\n`).join('') + '--B--\r\n';
    const error = expectError(await send(url, body, 'multipart/form-data; boundary=B'), 400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
    expect(error.ArgumentName).toBe('file');
    // `file` without filename= is still the file (s3-tests send every part with filename=, so the name decides).
    const asField = body.replace('--B--', '--B\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--B--');
    expect((await send(url, asField, 'multipart/form-data; boundary=B')).status).toBe(204);
    expect(server.storage.getObject('nofile.txt')?.size).toBe(3);
  });

  it('ignores fields after `file`; a key after the file counts as missing', async () => {
    const { url, fields } = await basicPost('after.txt');
    const { key, ...rest } = fields;
    const encoded = encodeMultipart(rest, { filename: 'a', contentType: 'text/plain' }, new TextEncoder().encode('abc'), 'B');
    const body = Buffer.from(encoded.body).toString('latin1').replace('--B--\r\n', `--B\r\nContent-Disposition: form-data; name="key"\r\n\r\n${key}\r\n--B--\r\n`);
    const error = expectError(await send(url, Buffer.from(body, 'latin1'), encoded.contentType), 400, 'InvalidArgument', "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.");
    expect(error.ArgumentName).toBe('key');
    expect(server.storage.getObject('after.txt')).toBeUndefined();
    // An uncovered field after the file is ignored rather than reported as extra.
    const trailing = encodeMultipart(fields, { filename: 'a', contentType: 'text/plain' }, new TextEncoder().encode('abc'), 'C');
    const withTrailer = Buffer.from(trailing.body).toString('latin1').replace('--C--\r\n', '--C\r\nContent-Disposition: form-data; name="acl"\r\n\r\npublic-read\r\n--C--\r\n');
    expect((await send(url, Buffer.from(withTrailer, 'latin1'), trailing.contentType)).status).toBe(204);
  });
});

describe('authentication', () => {
  it('treats field names case-insensitively', async () => {
    const { url, fields } = await basicPost('case.txt');
    const renamed = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k === 'key' ? 'KEY' : k === 'Policy' ? 'pOLICy' : k.toLowerCase(), v]));
    expect((await postForm(url, renamed, 'abc')).status).toBe(204);
  });

  it('names the first missing auth field; no signature fields at all is Access Denied', async () => {
    const { url, fields } = await basicPost('auth.txt');
    const { 'X-Amz-Signature': _s, ...noSig } = fields;
    const error = expectError(await postForm(url, noSig, 'abc'), 400, 'InvalidArgument', "Bucket POST must contain a field named 'X-Amz-Signature'.  If it is specified, please check the order of the fields.");
    expect(error.ArgumentName).toBe('X-Amz-Signature');
    const { 'X-Amz-Algorithm': _a, 'X-Amz-Credential': _c, 'X-Amz-Date': _d, ...policyOnly } = noSig;
    expectError(await postForm(url, policyOnly, 'abc'), 403, 'AccessDenied', 'Access Denied');
    const sigV2 = { ...policyOnly, AWSAccessKeyId: server.credentials.accessKeyId, signature: 'c2lnbmF0dXJl' };
    expectError(await postForm(url, sigV2, 'abc'), 400, 'InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  });

  it('rejects an unknown access key (403) and a wrong region (400 with Region)', async () => {
    const other = { ...server.credentials, accessKeyId: 'AKIAOTHEROTHER000000' };
    const a = await sdkPost(server, { Key: 'x', Fields: { 'Content-Type': 'text/plain' } }, other);
    const e1 = expectError(await postForm(server.bucketUrl, a.fields, 'abc'), 403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    expect(e1.AWSAccessKeyId).toBe('AKIAOTHEROTHER000000');
    const west = await sdkPost(server, { Key: 'x', Fields: { 'Content-Type': 'text/plain' } }, { ...server.credentials, region: 'us-west-2' });
    const e2 = expectError(await postForm(server.bucketUrl, west.fields, 'abc'), 400, 'InvalidArgument', "the region 'us-west-2' is wrong; expecting 'us-east-1'");
    expect(e2.Region).toBe('us-east-1');
  });

  it('rejects other algorithms and malformed credentials', async () => {
    const { url, fields } = await basicPost('alg.txt');
    expectError(await postForm(url, { ...fields, 'X-Amz-Algorithm': 'AWS4-HMAC-SHA1' }, 'abc'), 400, 'InvalidArgument', 'Only AWS4-HMAC-SHA256 is supported');
    const bad = await postForm(url, { ...fields, 'X-Amz-Credential': 'AKIA/2026/us-east-1/s3' }, 'abc');
    expect(expectError(bad, 400, 'InvalidArgument').ArgumentName).toBe('x-amz-credential');
    const s4 = fields['X-Amz-Credential']!.replace('/s3/', '/s4/');
    expectError(await postForm(url, { ...fields, 'X-Amz-Credential': s4 }, 'abc'), 400, 'InvalidArgument', 'error parsing the X-Amz-Credential parameter; incorrect service "s4". This endpoint belongs to "s3".');
    expectError(await postForm(url, { ...fields, 'X-Amz-Date': '2026-01-01T00:00:00Z' }, 'abc'), 400, 'InvalidArgument', 'X-Amz-Date must be formated via ISO8601 Long format');
  });

  it('verifies the signature over the policy text as sent, before decoding it, without echoing the secret', async () => {
    const { url, fields } = await basicPost('sig.txt');
    const reversed = await postForm(url, { ...fields, 'X-Amz-Signature': [...fields['X-Amz-Signature']!].reverse().join('') }, 'abc');
    const e1 = expectError(reversed, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    expect(e1.StringToSign).toBe(fields.Policy);
    expect(reversed.body).not.toContain(server.credentials.secretAccessKey);
    // Truncated policy: invalid Base64/JSON, but the signature is checked first.
    const truncated = await postForm(url, { ...fields, Policy: fields.Policy!.slice(0, -2) }, 'abc');
    expect(expectError(truncated, 403, 'SignatureDoesNotMatch').StringToSign).toBe(fields.Policy!.slice(0, -2));
    expect(server.storage.getObject('sig.txt')).toBeUndefined();
  });
});

describe('policy document', () => {
  const cases: Array<[string, string]> = [
    ['not json', 'Invalid Policy: Invalid JSON.'],
    ['{"expiration": "EXP", "CONDITIONS": []}', 'Invalid Policy: Policy missing conditions.'],
    ['{"EXPIRATION": "EXP", "conditions": []}', 'Invalid Policy: Policy missing expiration.'],
    ['{"expiration": "EXP", "conditions": {}}', "Invalid Policy: Invalid 'conditions' value: must be a List."],
    ['{"expiration": "EXP", "conditions": [{}]}', 'Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.'],
    ['{"expiration": "EXP", "conditions": [{"a": "1", "b": "2"}]}', 'Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.'],
    ['{"expiration": "EXP", "conditions": [["content-length-range", 0, 512.0]]}', 'Invalid Policy: Invalid JSON.'],
    ['{"expiration": "EXP", "conditions": [["content-length-range", -1, 0]]}', 'Invalid Policy: Invalid JSON.'],
    ['{"expiration": "EXP", "conditions": [["content-length-range", 0]]}', 'Invalid Policy: Invalid content-length-range: wrong number of arguments.'],
    ['{"expiration": "EXP", "conditions": [["between", "$key", "a"]]}', "Invalid Policy: Invalid Condition: unknown operation 'between'."],
    ['{"expiration": "EXP", "conditions": [[]]}', 'Invalid Policy: Invalid Condition: missing operation identifier.'],
    ['{"expiration": "2026-05-07 12:00:00.123+00:00", "conditions": []}', "Invalid Policy: Invalid 'expiration' value: '2026-05-07 12:00:00.123+00:00'"],
    ['{"expiration": "EXP", "conditions": [], "extra": 1}', 'Invalid Policy: Unexpected: "extra"'],
  ];
  for (const [doc, message] of cases) {
    it(`400 InvalidPolicyDocument for ${doc.slice(0, 70)}`, async () => {
      const fields = handSigned(server, doc.replace('EXP', futureIso(server)), { key: 'doc.txt' });
      expectError(await postForm(server.bucketUrl, fields, 'abc'), 400, 'InvalidPolicyDocument', message);
    });
  }

  it('expires against the emulator clock (403 Policy expired.)', async () => {
    const { url, fields } = await basicPost('exp.txt');
    server.clock.advance(601_000);
    expectError(await postForm(url, fields, 'abc', { contentType: 'text/plain' }), 403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
    server.clock.reset();
    expect((await postForm(url, fields, 'abc')).status).toBe(204);
  });
});

describe('coverage and conditions', () => {
  it('reports an uncovered field lower-cased; x-ignore-* is exempt', async () => {
    const { url, fields } = await sdkPost(server, { Key: 'cov.txt', Expires: 600 });
    expectError(await postForm(url, { ...fields, 'Content-Type': 'text/plain' }, 'abc'), 403, 'AccessDenied', 'Invalid according to Policy: Extra input fields: content-type');
    expectError(await postForm(url, { ...fields, 'x-amz-meta-Foo': 'x' }, 'abc'), 403, 'AccessDenied', 'Invalid according to Policy: Extra input fields: x-amz-meta-foo');
    expect((await postForm(url, { ...fields, 'x-ignore-note': 'anything' }, 'abc')).status).toBe(204);
  });

  it('makes the bucket condition mandatory', async () => {
    const doc = `{"expiration": "${futureIso(server)}", "conditions": [{"key": "nb.txt"}, ${AUTH_CONDITIONS}]}`;
    expectError(await postForm(server.bucketUrl, handSigned(server, doc, { key: 'nb.txt' }), 'abc'), 403, 'AccessDenied', 'Invalid according to Policy: Extra input fields: bucket');
  });

  it('compares the bucket condition with the URL bucket, not the bucket field', async () => {
    const { fields } = await sdkPost(server, { Bucket: 'someone-elses-bucket', Key: 'wb.txt', Expires: 600 });
    expectError(await postForm(server.bucketUrl, fields, 'abc'), 403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "someone-elses-bucket"]');
  });

  it('applies starts-with, eq on acl and x-amz-meta-*, echoing the failed condition', async () => {
    const { url, fields } = await sdkPost(server, {
      Key: 'user/alice/${filename}',
      Conditions: [['starts-with', '$x-amz-meta-tag', 'proj-'], { acl: 'public-read' }, ['content-length-range', 0, 100]],
      Fields: { acl: 'public-read', 'x-amz-meta-tag': 'proj-7' },
      Expires: 600,
    });
    const ok = await postForm(url, fields, 'abc', { filename: 'C:\\Users\\me\\cv.pdf' });
    expect(ok.status).toBe(204);
    expect(server.storage.getObject('user/alice/cv.pdf')?.size).toBe(3);
    expectError(await postForm(url, { ...fields, 'x-amz-meta-tag': 'other' }, 'abc'), 403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$x-amz-meta-tag", "proj-"]');
    expectError(await postForm(url, { ...fields, key: 'user/bob/${filename}' }, 'abc'), 403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/alice/"]');
    const { acl: _acl, ...noAcl } = fields;
    expectError(await postForm(url, noAcl, 'abc'), 403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["eq", "$acl", "public-read"]');
    expectError(await postForm(url, { ...fields, acl: 'Public-Read' }, 'abc'), 403, 'AccessDenied');
  });

  it('matches condition field and operator names case-insensitively, values case-sensitively', async () => {
    const doc = `{"expiration": "${futureIso(server)}", "conditions": [{"bUcKeT": "${server.credentials.bucket}"}, ["StArTs-WiTh", "$KeY", "ci/"], ["EQ", "$CoNtEnT-TyPe", "text/plain"], ${AUTH_CONDITIONS}]}`;
    expect((await postForm(server.bucketUrl, handSigned(server, doc, { kEy: 'ci/1.txt', 'Content-Type': 'text/plain' }), 'abc')).status).toBe(204);
    expect((await postForm(server.bucketUrl, handSigned(server, doc, { key: 'CI/1.txt', 'Content-Type': 'text/plain' }), 'abc')).status).toBe(403);
  });

  it('intersects several content-length-range conditions and accepts quoted integers', async () => {
    const doc = `{"expiration": "${futureIso(server)}", "conditions": [{"bucket": "${server.credentials.bucket}"}, {"key": "r.txt"}, ["content-length-range", 0, 100], ["content-length-range", "5", "10"], ${AUTH_CONDITIONS}]}`;
    const fields = handSigned(server, doc, { key: 'r.txt' });
    const small = expectError(await postForm(server.bucketUrl, fields, '1234'), 400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size');
    expect([small.ProposedSize, small.MinSizeAllowed]).toEqual(['4', '5']);
    const large = expectError(await postForm(server.bucketUrl, fields, '12345678901'), 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    expect([large.ProposedSize, large.MaxSizeAllowed]).toEqual(['11', '10']);
    expect((await postForm(server.bucketUrl, fields, '12345')).status).toBe(204);
    expect((await postForm(server.bucketUrl, fields, '1234567890')).status).toBe(204);
    const nonNumeric = `{"expiration": "${futureIso(server)}", "conditions": [{"bucket": "${server.credentials.bucket}"}, {"key": "r.txt"}, ["content-length-range", "test", "10"], ${AUTH_CONDITIONS}]}`;
    expectError(await postForm(server.bucketUrl, handSigned(server, nonNumeric, { key: 'r.txt' }), '12345'), 403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["content-length-range", "test", "10"]');
  });
});

describe('success responses', () => {
  async function withStatus(extra: Record<string, string>, conditions: unknown[]) {
    const post = await basicPost('ok.txt', 1024, { Conditions: conditions, Fields: extra });
    return postForm(post.url, post.fields, 'abc');
  }
  it('200 empty, 201 PostResponse XML, anything else 204', async () => {
    const r200 = await withStatus({ success_action_status: '200' }, [{ success_action_status: '200' }]);
    expect([r200.status, r200.body]).toEqual([200, '']);
    const r201 = await withStatus({ success_action_status: '201' }, [{ success_action_status: '201' }]);
    expect(r201.status).toBe(201);
    expect(r201.headers['content-type']).toBe('application/xml');
    const md5 = server.storage.getObject('ok.txt')!.md5;
    expect(r201.body).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${server.bucketUrl}/ok.txt</Location><Bucket>${server.credentials.bucket}</Bucket><Key>ok.txt</Key><ETag>"${md5}"</ETag></PostResponse>`);
    const r404 = await withStatus({ success_action_status: '404' }, [{ success_action_status: '404' }]);
    expect([r404.status, r404.body]).toEqual([204, '']);
  });

  it('303 to success_action_redirect with bucket, key and quoted etag; relative URLs are ignored', async () => {
    const r = await withStatus({ success_action_redirect: 'http://app.example/done?x=1' }, [['starts-with', '$success_action_redirect', 'http://app.example/']]);
    expect(r.status).toBe(303);
    const md5 = server.storage.getObject('ok.txt')!.md5;
    expect(r.headers.location).toBe(`http://app.example/done?x=1&bucket=${server.credentials.bucket}&key=ok.txt&etag=%22${md5}%22`);
    const rel = await withStatus({ success_action_redirect: '/relative' }, [['starts-with', '$success_action_redirect', '']]);
    expect(rel.status).toBe(204);
  });
});

describe('field details', () => {
  it('leaves ${filename} literal when the file part has no filename', async () => {
    const { url, fields } = await sdkPost(server, { Key: 'lit/${filename}', Expires: 600 });
    const body = Object.entries(fields).map(([k, v]) => `--B\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') +
      '--B\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--B--\r\n';
    expect((await send(url, body, 'multipart/form-data; boundary=B')).status).toBe(204);
    expect(server.storage.getObject('lit/${filename}')?.size).toBe(3);
  });

  it('stores Content-Type from the form field, binary/octet-stream when absent', async () => {
    const typed = await basicPost('typed.txt');
    expect((await postForm(typed.url, typed.fields, 'abc', { contentType: 'image/png' })).status).toBe(204);
    expect(server.storage.getObject('typed.txt')?.contentType).toBe('text/plain');
    const untyped = await sdkPost(server, { Key: 'untyped.bin', Expires: 600 });
    expect((await postForm(untyped.url, untyped.fields, 'abc')).status).toBe(204);
    expect(server.storage.getObject('untyped.bin')?.contentType).toBe('binary/octet-stream');
  });

  it('requires every element of a Content-Type list to match starts-with', async () => {
    const post = await sdkPost(server, { Key: 'list.txt', Conditions: [['starts-with', '$Content-Type', 'text/']], Fields: { 'Content-Type': 'text/plain, text/html' }, Expires: 600 });
    expect((await postForm(post.url, post.fields, 'abc')).status).toBe(204);
    expectError(await postForm(post.url, { ...post.fields, 'Content-Type': 'text/plain, image/png' }, 'abc'), 403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "text/"]');
  });
});
