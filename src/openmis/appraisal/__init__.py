"""Investment appraisal: cash-flow metrics, Monte Carlo risk, AHP weights and MCDA ranking."""
