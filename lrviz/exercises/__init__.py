"""One module of exercise checks per notebook: ``from lrviz.exercises import n04_bad_learning_rates as ex``."""
