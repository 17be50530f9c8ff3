// The runtime with `replay` refuses to start when the replay-state topic is missing, and says
// which topic and how to create it, instead of running without honouring replays.
import { describe, expect, it } from 'vitest';
import { StreamsRuntime } from '../../../topology/core/runtime/streams-runtime.ts';
import type { TaskFactory } from '../../../topology/core/task.ts';
import { brokers, createTopics, uniqueName } from '../../helpers/stack.ts';

describe('StreamsRuntime with replay', () => {
  it('fails to start with CONFIG_INVALID naming the missing replay-state topic', async () => {
    const input = uniqueName('replay-missing-in');
    await createTopics([input]);
    const stateTopic = uniqueName('replay-missing-state');
    const factory: TaskFactory = {
      sourceTopics: [input], sinkTopics: [],
      createTask: () => ({ process: () => undefined, punctuate: () => undefined, close: () => undefined }),
    };
    const runtime = new StreamsRuntime({
      brokers: brokers(), applicationId: uniqueName('replay-missing'), instanceId: 'solo', taskFactory: factory,
      replay: { stateTopic },
    });
    const states: string[] = [];
    runtime.on('state', (state) => states.push(state));
    await expect(runtime.start()).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(`the replay-state topic "${stateTopic}" cannot be read (missing? create it with bin/topics apply)`) as unknown,
    });
    expect(states.at(-1)).toBe('failed');
  }, 60_000);
});
