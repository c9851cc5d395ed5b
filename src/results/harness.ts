// The harness's own version, which results files and the HAR it writes record (`harnessVersion`, the HAR's
// creator): package.json's "version" (test/package-contents.test.ts holds the two equal). Here, below every
// producer, so that recording it loads nothing else (conform once loaded the whole load engine for it).
export const HARNESS_VERSION = '0.1.0';
