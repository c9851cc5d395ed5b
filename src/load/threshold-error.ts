// A bad --threshold expression (user input). On its own so that the CLI's argument parsing can
// recognise it without loading the threshold evaluator and its histogram code (CLI start-up).
export class ThresholdError extends Error {}
