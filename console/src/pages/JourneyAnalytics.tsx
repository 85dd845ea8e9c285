export function JourneyAnalytics() {
  return <h1>Journey analytics</h1>;
}
