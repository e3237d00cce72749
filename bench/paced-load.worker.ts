import { parentPort, workerData } from 'node:worker_threads';
import { pacedLoad, type PacedLoad } from './paced-load';

void pacedLoad(workerData as PacedLoad).then((result) => parentPort!.postMessage(result));
