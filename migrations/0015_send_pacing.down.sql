DROP TABLE send_pacing;
