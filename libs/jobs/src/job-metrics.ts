import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import type { Job, Queue, Worker } from 'bullmq';
import { JOB_BUCKETS, metrics, MetricsRegistry } from '@app/observability';

/** The queue states reported as depths: read from Redis at scrape time. */
export const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Job metrics of one process: durations and failures per queue and job name, and its queues' depths. */
export function jobMetricSeries(registry: MetricsRegistry = metrics) {
  return {
    duration: registry.histogram(
      'kam_job_duration_seconds',
      'Duration of BullMQ job runs, by queue, job name and status (completed or failed)',
      ['queue', 'name', 'status'],
      JOB_BUCKETS,
    ),
    failures: registry.counter(
      'kam_job_failures_total',
      'Failed BullMQ job attempts (each retry counts), by queue and job name',
      ['queue', 'name'],
    ),
    depth: registry.collectedGauge(
      'kam_queue_jobs',
      'Jobs in a BullMQ queue by state (waiting, active, delayed, failed), read at scrape time',
      ['queue', 'state'],
    ),
  };
}

function seconds(job: Job | undefined): number | undefined {
  if (!job?.processedOn) return undefined;
  return Math.max(0, ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
}

/** Subscribes to one worker's events. Job names are class names (a fixed set), never ids. */
export function instrumentWorker(worker: Worker, registry: MetricsRegistry = metrics): void {
  const series = jobMetricSeries(registry);
  worker.on('completed', (job: Job) => {
    const s = seconds(job);
    if (s !== undefined)
      series.duration.observe({ queue: worker.name, name: job.name, status: 'completed' }, s);
  });
  worker.on('failed', (job: Job | undefined) => {
    const name = job?.name ?? 'unknown';
    series.failures.inc({ queue: worker.name, name });
    const s = seconds(job);
    if (s !== undefined) series.duration.observe({ queue: worker.name, name, status: 'failed' }, s);
  });
}

/** Adds the depths of these queues to the scrape; returns the function that removes them. */
export function reportQueueDepths(queues: Queue[], registry: MetricsRegistry = metrics): () => void {
  return jobMetricSeries(registry).depth.addSource(async () => {
    const out: { labels: { queue: string; state: string }; value: number }[] = [];
    await Promise.all(
      queues.map(async (q) => {
        const counts = await q.getJobCounts(...DEPTH_STATES);
        for (const state of DEPTH_STATES)
          out.push({ labels: { queue: q.name, state }, value: counts[state] ?? 0 });
      }),
    );
    return out;
  });
}

export const JOB_METRICS_QUEUES = Symbol('JOB_METRICS_QUEUES');

/**
 * Instruments every @Processor of the app (found through discovery, so no processor has to remember it) and
 * reports the depths of the queues the app registered.
 */
@Injectable()
export class JobMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private removeDepths?: () => void;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly queues: Queue[],
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!(instance instanceof WorkerHost)) continue;
      try {
        instrumentWorker(instance.worker);
      } catch {
        // A processor whose worker was not started (none here today) has nothing to measure.
      }
    }
    this.removeDepths = reportQueueDepths(this.queues);
  }

  onApplicationShutdown(): void {
    this.removeDepths?.();
  }
}
