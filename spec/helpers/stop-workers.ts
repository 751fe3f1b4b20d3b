/**
 * Run by jest after each spec file's own hooks (jest.config.js): every spec file loads its own
 * copy of kernels/parallel.ts, so a file that split work has its own workers, which would
 * otherwise stay (idle, holding memory) in jest's process until the whole run ends.
 */
import { stopWorkers } from '../../kernels/parallel';

afterAll(() => stopWorkers());
