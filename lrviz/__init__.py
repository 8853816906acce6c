"""lrviz: interactive teaching notebooks on the learning rate."""
