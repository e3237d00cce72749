import { getContainerRuntimeClient } from 'testcontainers';

let answer: Promise<boolean> | undefined;

/** Whether testcontainers can reach a container engine; asked once per process. */
export function dockerEngineAnswers(): Promise<boolean> {
  answer ??= getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
  return answer;
}
