export function Streams() {
  return <h1>Event streaming</h1>;
}
