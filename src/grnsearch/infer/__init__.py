"""Networks from time-series data: training on observed trajectories, baselines and scoring."""
