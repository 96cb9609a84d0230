export default async function globalTeardown() {
  await globalThis.__PPE_TEST_DB__?.stop();
}
