"""The commented template that ``grnsearch task new`` writes: a small working task (a gene that
remembers a transient input: a switch) whose comments list every key and primitive of the format."""

TEMPLATE = """\
# A grnsearch task file (TOML). Check it with `grnsearch task check FILE`, then pass its path
# wherever a command takes TASK: `grnsearch train FILE`, `study FILE`, `sparsify FILE`.
# `grnsearch task show adaptation` prints a built-in task in this form.
#
# Time: the model takes `steps` Euler steps of `dt`; step k (0 .. steps-1) drives the state from
# k to k + 1. Schedules of inputs count steps from 0; targets and metrics count the states after
# steps 1 .. steps.

name = "switch"
description = "g1 turns on after a pulse of I and stays on"
genes = ["g1", "g2"]            # letters, digits and _; each named once
inputs = ["I"]
scored = ["g1"]                 # genes the loss scores (targets are for these only)
dt = 0.2
steps = 60
loss = "sum"                    # sum: sqrt(sum of squared errors); mean: sqrt(mean)

[initial]                       # fixed starts; genes not named here start free (trained)
g1 = 0.1

[defaults]                      # training settings; the command line's flags override them
arch = "per-gene"               # per-gene or shared
hidden = [16, 16]
init = "glorot"                 # glorot, or normal (then init_std = 0.1)
free_start = "zero"             # zero or uniform
optimizer = "rmsprop"           # rmsprop or adam
learning_rate = 0.001
schedule = "constant"           # constant or cosine
iterations = 2000
extra_iterations = 0            # more, only for runs not yet successful
noise = 0.0                     # std of noise on f while training
solver = "euler"
# blocked = ["I->g2"]           # links the networks never have (--block adds more)
# sparsify_iterations = 3000    # iterations of each sparsification retraining

# Training conditions, all used every iteration. Inputs not named are 0; a scored gene without
# a target is not scored in that condition. Input schedules:
#   0.5                                                  constant
#   "u" with draws = { u = [0.0, 1.0] }                  drawn uniformly every iteration
#   { kind = "steps", at = [0, 20], levels = [0.0, 1.0] } level from each step on
#   { kind = "ramp", start = 10, end = 30, from = 0.0, to = 1.0 }
#   { kind = "pulses", period = 20, on = 5, level = 1.0, start = 0, low = 0.0 }
#   { kind = "table", file = "inputs.csv", column = "I" } one value per step (or values = [...])
# Targets:
#   0.4, or the name of a draw
#   { kind = "steps", at = [1, 20], levels = [0.1, 0.8] } level from each state on
#   { kind = "adaptation-pulse", base = 0.4, amplitude = 1.0, start = 0 }  base + amplitude A(s)
#   { kind = "triangle", period = 15, rise = 5, fall = 5, low = 0.0, high = 1.0, start = 1 }
#   { kind = "square", period = 20, on = 10, low = 0.0, high = 1.0, start = 1 }
#   { kind = "approach", from = 0.1, to = 0.8, rate = 0.5, start = 0 }     exponential approach
#   { kind = "table", file = "targets.csv", column = "g1" }  one value per state
# stationary = true asks every gene to stay at its start (a resting condition).

[[condition]]
name = "rest"
stationary = true
targets = { g1 = 0.1 }

[[condition]]
name = "pulse"
inputs = { I = { kind = "steps", at = [0, 10], levels = [1.0, 0.0] } }
targets = { g1 = { kind = "approach", from = 0.1, to = 0.8, rate = 1.0, start = 5 } }

# Metrics: run on the training conditions (without draws), or on [[metrics.condition]] under
# [metrics] with their own dt and steps. Kinds: min, max, peak-to-trough, mean (last = N),
# plateau (mean of the last N states, default half), final, period, sensitivity and
# adaptation-error (at = the step of the input's change), input-level, mse (against the
# condition's targets), final-state. `conditions = [...]` instead of `condition` gives a curve.
[metrics]
summary = ["on_level", "rest_level"]       # scalar metrics shown in summaries

[[metric]]
name = "on_level"
kind = "plateau"
gene = "g1"
condition = "pulse"
last = 20

[[metric]]
name = "rest_level"
kind = "plateau"
gene = "g1"
condition = "rest"

# Success: every criterion holds. Rules: at_least, at_most, below, above, or near = X with
# tolerance or relative_tolerance. A criterion's name is the task parameter of its threshold.
[[criterion]]
name = "min_on_level"
metric = "on_level"
at_least = 0.6

[[criterion]]
name = "rest_tolerance"
metric = "rest_level"
near = 0.1
tolerance = 0.05

# The link test (optional): knockdown factor, effect "mean" (over conditions and time) and its
# own conditions ([[mutation.condition]], with steps = N); default: the training conditions.
[mutation]
knockdown = 0.9
effect = "mean"

# Optional sections (see `grnsearch task show` of the built-ins):
#   [check] dt, steps, [[check.condition]]  the time courses a Hill check is judged on
#   [demo] steps, [[demo.condition]]        the time courses of the response figure
#   [space] positions = { from = 0.05, to = 0.95, count = 91 }, score_steps, demo_positions,
#           dosage_panel: a spatial task (inputs are profiles: a number, a table over positions,
#           or { kind = "gradient", from = [0.0], decay = [0.2] })
#   [figures] path_bands, paper             what figures draw
#   [hill_screen] dt, steps, start, readout, stages, space, [[hill_screen.condition]] (starts,
#           levels, [[hill_screen.condition.criterion]]), [[hill_screen.relation]]: the exhaustive
#           Hill search (`grnsearch task show adaptation-atlas`); kind = "oscillation" is the
#           paper's two-input oscillation screen in short (`grnsearch task show oscillation`)
"""
