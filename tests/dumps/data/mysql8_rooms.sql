-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: source-db.internal    Database: gghouse
-- ------------------------------------------------------
-- Server version	8.0.36

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!50503 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;
SET @@SESSION.SQL_LOG_BIN= 0;

--
-- GTID state at the beginning of the backup 
--

SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-51234';

--
-- Table structure for table `apartments`
--

DROP TABLE IF EXISTS `apartments`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!50503 SET character_set_client = utf8mb4 */;
CREATE TABLE `apartments` (
  `id` int unsigned NOT NULL,
  `unique_number` varchar(32) COLLATE utf8mb4_0900_bin DEFAULT NULL,
  `apartment_name` varchar(255) NOT NULL,
  `apartment_name_en` varchar(255) DEFAULT NULL,
  `prefecture` varchar(16) NOT NULL,
  `municipality` varchar(64) DEFAULT NULL,
  `address` varchar(255) DEFAULT NULL COMMENT 'utf8mb4_0900_ai_ci stays in comments',
  `zip_code` varchar(8) DEFAULT NULL,
  `latitude` decimal(8,6) DEFAULT NULL,
  `longitude` decimal(9,6) DEFAULT NULL,
  `room_count` int unsigned DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_prefecture` (`prefecture`,`municipality`(16))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `apartments`
--

LOCK TABLES `apartments` WRITE;
/*!40000 ALTER TABLE `apartments` DISABLE KEYS */;
INSERT INTO `apartments` VALUES (1,'A-001','ゲストハウス新宿','GH Shinjuku','東京都','新宿区','西新宿1-2-3; 4F','160-0023',35.689500,139.691700,12,'2020-01-01 00:00:00','2026-02-01 05:00:00'),(2,NULL,'O\'Brien\'s House -- 2','OBrien \"2\"','東京都','渋谷区','C:\\dir\\file /* not a comment */','150-0001',35.658000,139.701600,0,'0000-00-00 00:00:00','2026-02-01 05:00:00'),(3,'A-003','改行\nあり # hash','','神奈川県',NULL,NULL,NULL,NULL,NULL,NULL,'2021-06-30 12:00:00','2026-02-01 05:00:00');
/*!40000 ALTER TABLE `apartments` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `rooms`
--

DROP TABLE IF EXISTS `rooms`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!50503 SET character_set_client = utf8mb4 */;
CREATE TABLE `rooms` (
  `id` int unsigned NOT NULL,
  `apartment_id` int unsigned NOT NULL,
  `room_number` varchar(32) NOT NULL,
  `rent` decimal(10,0) DEFAULT NULL,
  `room_floor` int DEFAULT NULL,
  `capacity` tinyint unsigned DEFAULT NULL,
  `gender_type` tinyint unsigned DEFAULT NULL,
  `status` int unsigned DEFAULT NULL,
  `moving_id` int unsigned DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`apartment_id`,`id`),
  KEY `fk_rooms_apartment` (`apartment_id`),
  CONSTRAINT `fk_rooms_apartment` FOREIGN KEY (`apartment_id`) REFERENCES `apartments` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `rooms`
--

LOCK TABLES `rooms` WRITE;
/*!40000 ALTER TABLE `rooms` DISABLE KEYS */;
INSERT INTO `rooms` VALUES (10,1,'101',65000,1,1,2,1,NULL,'2020-01-01 00:00:00','2026-02-01 05:00:00'),(11,1,'102',-1,1,1,2,1,555,'2020-01-01 00:00:00','2026-02-01 05:00:00'),(20,2,'A;1',50000,2,2,1,0,NULL,'2020-01-01 00:00:00','2026-02-01 05:00:00');
/*!40000 ALTER TABLE `rooms` ENABLE KEYS */;
UNLOCK TABLES;
SET @@SESSION.SQL_LOG_BIN = @MYSQLDUMP_TEMP_LOG_BIN;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2026-02-10  5:30:12
