type Stoppable = { stop(): Promise<void> };

export default async function globalTeardown() {
  const services = ((globalThis as Record<string, unknown>).__testServices ?? []) as Stoppable[];
  await Promise.all(services.map((service) => service.stop()));
}
