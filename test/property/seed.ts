// Property runs take their seed from FC_SEED when set (to replay a failure exactly), else a fresh
// one; fast-check names the seed and the shrunk path in every failure message.
const fromEnv = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;

export function runsWith(numRuns: number): { numRuns: number; seed: number; endOnFailure: boolean } {
  return { numRuns, seed: fromEnv ?? Math.floor(Math.random() * 0x7fffffff), endOnFailure: false };
}
