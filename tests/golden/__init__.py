"""The golden scenario (scenario.py), how its commands are run and recorded (capture.py), and the records
(expected/), compared by tests/test_golden.py."""
