// Preload for the test of the Node check: this process reports itself as Node 20.20.2.
Object.defineProperty(process.versions, 'node', { value: '20.20.2' })
