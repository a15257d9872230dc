"""Rules: the licence catalogue, founding conditions as versioned data, the evaluator that
explains each verdict, required documents and applicant scoring (S1, S9-S12, S14, P1, P2, P4)."""
