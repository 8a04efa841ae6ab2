/** The backend contract on the AWS backend, against the fake AWS behind aws-sdk-client-mock. */
import {backendContract} from '../backends/contract.js';
import {awsHarness} from './harness.js';

backendContract('aws (mocked SDK)', async () => {
  const h = await awsHarness();
  return {
    backend: h.backend,
    stateDir: h.dir,
    context: (stepId) => h.session.context(stepId),
    state: () => h.state(),
    cleanup: h.cleanup,
  };
});
