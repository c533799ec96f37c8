// The profile picker's list, generated at build time from profiles/*.json (vite.config.ts).
declare module 'virtual:profiles' {
  const profiles: { url: string; id: string; title: string; type: string }[];
  export default profiles;
}
