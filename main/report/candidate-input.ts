import type { RunResult } from '../engine/run/run-result.ts';

/** How a run put candidates to its models: the sentence alone, or with its paragraph (LAReQA's reference input). One phrase when all agree. */
export function describeCandidateInput(result: Pick<RunResult, 'models'>): string {
  const describe = (context: string | undefined) => (context === 'paragraph' ? 'sentence with its paragraph as context (a text pair)' : 'sentence alone');
  const contexts = new Set(result.models.map((m) => m.candidateContext ?? 'none'));
  return contexts.size <= 1 ? describe([...contexts][0]) : result.models.map((m) => `${m.name}: ${describe(m.candidateContext)}`).join('; ');
}
