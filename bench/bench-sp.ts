// The service provider every benchmark request comes from: test SP sp2, which accepts unsigned
// AuthnRequests (so the load generator signs nothing) and has one HTTP-POST ACS.
export const BENCH_SP = 'https://sp2.test/metadata';
export const BENCH_ACS = 'https://sp2.test/acs';
