import { apiError } from '../../main/app/api-error.ts';
import type { AppService } from '../../main/app/app-service.ts';

/** The status, code and message a call fails with, as either transport carries them. */
export async function failure(service: AppService, method: string, input: unknown) {
  try {
    await service.call(method, input);
  } catch (err) {
    const { status, body } = apiError(err);
    return { status, ...body.error };
  }
  throw new Error(`${method} did not fail`);
}
